#pragma once
// How a stored job runs: as the request it stands for (analyze or batch), in a request
// context of its own — request id = job id, billed to the key that submitted it.

namespace switchboard {

class App;
struct JobOutcome;
namespace storage {
struct Job;
}

JobOutcome run_job(App& app, const storage::Job& job);

}  // namespace switchboard
