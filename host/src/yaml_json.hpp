#pragma once
// YAML as JSON: the configuration and the OpenAPI document are both written in YAML and used
// as JSON. Plain scalars become booleans, numbers or null; quoted ones stay strings.

#include <nlohmann/json.hpp>

namespace YAML {
class Node;
}

namespace switchboard {

nlohmann::json yaml_scalar_to_json(const YAML::Node& node);
nlohmann::json yaml_to_json(const YAML::Node& node);

}  // namespace switchboard
