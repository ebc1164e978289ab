// Prices calls from a table of per-model prices per 1M tokens (config/pricing.yaml).
// Configuration: pricing_file (relative to the host's configuration folder, or absolute).
// Money is exact: prices are kept as integer micro-dollars per 1M tokens, which makes a
// token cost price/1000 nano-dollars; the total is rounded once, to the nearest nano-dollar.
#include <cmath>
#include <filesystem>
#include <map>

#include <yaml-cpp/yaml.h>

#include <switchboard/plugin/cost_model.hpp>
#include <switchboard/plugin/export.hpp>
#include <switchboard/plugin/host_services.hpp>

namespace {

using namespace switchboard::plugin;

// Wide enough for any token count times any price; __extension__ keeps -Wpedantic quiet.
__extension__ using Int128 = __int128;

struct ModelPrice {
  std::int64_t input = 0;  // micro-USD per 1M tokens
  std::int64_t output = 0;
  std::int64_t cached = 0;
};

std::int64_t micro_usd(const YAML::Node& node, const std::string& where) {
  double value = node.as<double>();
  if (!std::isfinite(value) || value < 0 || value > 1e6) throw std::invalid_argument(where + ": price out of range");
  return std::llround(value * 1e6);
}

class PriceTable final : public CostModel {
 public:
  explicit PriceTable(std::filesystem::path file) : file_(std::move(file)) {
    YAML::Node root = YAML::LoadFile(file_.string());
    YAML::Node models = root["models"];
    if (!models || !models.IsMap()) throw std::invalid_argument(file_.string() + ": a \"models\" map is required");
    for (const auto& entry : models) {
      const std::string name = entry.first.as<std::string>();
      const std::string where = file_.string() + ": models." + name;
      if (!entry.second["input"] || !entry.second["output"])
        throw std::invalid_argument(where + ": input and output prices are required");
      ModelPrice price{micro_usd(entry.second["input"], where), micro_usd(entry.second["output"], where), 0};
      price.cached = entry.second["cached_input"] ? micro_usd(entry.second["cached_input"], where) : price.input;
      if (!name.empty() && name.back() == '*')
        prefixes_.emplace(name.substr(0, name.size() - 1), price);
      else
        exact_.emplace(name, price);
    }
  }

  SelfCheck self_check() override {
    if (exact_.empty() && prefixes_.empty()) return {false, file_.string() + " lists no models"};
    return {true, std::to_string(exact_.size() + prefixes_.size()) + " models priced"};
  }

  std::optional<Price> price(std::string_view model, const Usage& usage) const override {
    const ModelPrice* found = lookup(model);
    if (!found) return std::nullopt;
    const std::int64_t cached = std::clamp<std::int64_t>(usage.cached_tokens, 0, usage.input_tokens);
    // Token counts × micro-USD per 1M = pico-USD; /1000 gives nano-USD.
    const Int128 pico = static_cast<Int128>(usage.input_tokens - cached) * found->input +
                        static_cast<Int128>(cached) * found->cached +
                        static_cast<Int128>(usage.output_tokens) * found->output;
    Price price;
    price.cost_nano_usd = static_cast<std::int64_t>((pico + 500) / 1000);
    price.input_per_million_micro_usd = found->input;
    price.output_per_million_micro_usd = found->output;
    price.cached_per_million_micro_usd = found->cached;
    return price;
  }

 private:
  const ModelPrice* lookup(std::string_view model) const {
    if (auto it = exact_.find(std::string(model)); it != exact_.end()) return &it->second;
    const ModelPrice* best = nullptr;
    std::size_t best_length = 0;
    for (const auto& [prefix, price] : prefixes_) {
      if (model.substr(0, prefix.size()) == prefix && prefix.size() >= best_length) {
        best = &price;
        best_length = prefix.size();
      }
    }
    return best;
  }

  std::filesystem::path file_;
  std::map<std::string, ModelPrice> exact_;
  std::map<std::string, ModelPrice> prefixes_;
};

std::shared_ptr<Plugin> make_price_table(const nlohmann::json& config, HostServices& host) {
  std::filesystem::path file = config.value("pricing_file", std::string("pricing.yaml"));
  if (file.is_relative()) file = std::filesystem::path(host.config_dir()) / file;
  return std::make_shared<PriceTable>(file);
}

}  // namespace

SWITCHBOARD_PLUGIN(switchboard::plugin::PluginKind::cost_model, "price-table", "1.0.0",
                   "Per-model prices per 1M tokens from pricing.yaml", make_price_table)
