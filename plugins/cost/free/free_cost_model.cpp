// The cost model of local models: every call costs nothing, and says so.
#include <switchboard/plugin/cost_model.hpp>
#include <switchboard/plugin/export.hpp>

namespace {

using namespace switchboard::plugin;

class FreeCostModel final : public CostModel {
 public:
  std::optional<Price> price(std::string_view, const Usage&) const override { return Price{}; }
};

std::shared_ptr<Plugin> make_free(const nlohmann::json&, HostServices&) { return std::make_shared<FreeCostModel>(); }

}  // namespace

SWITCHBOARD_PLUGIN(switchboard::plugin::PluginKind::cost_model, "free", "1.0.0",
                   "Zero cost for every model (local models)", make_free)
