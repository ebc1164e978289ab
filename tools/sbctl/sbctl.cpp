// sbctl: the admin command line of a running Switchboard server.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>

#include <curl/curl.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

namespace {

struct Reply {
  long status = 0;
  std::string body;
};

std::size_t collect(char* data, std::size_t size, std::size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

Reply call(const std::string& method, const std::string& url, const std::string& token, const std::string& body) {
  Reply reply;
  CURL* curl = curl_easy_init();
  curl_slist* headers = nullptr;
  if (!token.empty()) headers = curl_slist_append(headers, ("Authorization: Bearer " + token).c_str());
  headers = curl_slist_append(headers, "Content-Type: application/json");
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply.body);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
  if (!body.empty()) curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
  CURLcode result = curl_easy_perform(curl);
  if (result != CURLE_OK) {
    reply.body = std::string("{\"error\":{\"message\":\"") + curl_easy_strerror(result) + "\"}}";
  } else {
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
  }
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return reply;
}

int print(const Reply& reply) {
  auto parsed = nlohmann::json::parse(reply.body, nullptr, false);
  std::cout << (parsed.is_discarded() ? reply.body : parsed.dump(2)) << "\n";
  return reply.status >= 200 && reply.status < 300 ? 0 : 1;
}

std::string read_token(const std::string& explicit_token, const std::string& token_file) {
  if (!explicit_token.empty()) return explicit_token;
  if (const char* env = std::getenv("SWITCHBOARD_ADMIN_TOKEN"); env && *env) return env;
  std::ifstream in(token_file);
  std::string token;
  std::getline(in, token);
  return token;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"sbctl: administer a running Switchboard server"};
  std::string url = "http://127.0.0.1:8000";
  std::string token;
  std::string token_file = "data/admin.token";
  cli.add_option("--url", url, "Server base URL")->capture_default_str();
  cli.add_option("--token", token, "Admin token (default: $SWITCHBOARD_ADMIN_TOKEN, then --token-file)");
  cli.add_option("--token-file", token_file, "File holding the admin token")->capture_default_str();
  cli.require_subcommand(1);

  auto* health = cli.add_subcommand("health", "Show /health and /health/ready");
  auto* plugins = cli.add_subcommand("plugins", "List, load, reload and unload plugins");
  plugins->require_subcommand(1);
  auto* list = plugins->add_subcommand("list", "List loaded plugin versions");
  std::string file, name, config_text;
  auto* load = plugins->add_subcommand("load", "Load a plugin file from the server's plugin folder");
  load->add_option("file", file, "File relative to the plugin folder")->required();
  load->add_option("--config", config_text, "Plugin configuration as JSON");
  auto* reload = plugins->add_subcommand("reload", "Reload a plugin (optionally from another file)");
  reload->add_option("name", name, "Plugin name")->required();
  reload->add_option("--file", file, "New file relative to the plugin folder");
  reload->add_option("--config", config_text, "New plugin configuration as JSON");
  auto* unload = plugins->add_subcommand("unload", "Unload a plugin");
  unload->add_option("name", name, "Plugin name")->required();
  CLI11_PARSE(cli, argc, argv);

  curl_global_init(CURL_GLOBAL_DEFAULT);
  int status = 0;
  const std::string admin = read_token(token, token_file);
  auto body_with = [&](nlohmann::json body) {
    if (!file.empty()) body["file"] = file;
    if (!config_text.empty()) body["config"] = nlohmann::json::parse(config_text);
    return body.dump();
  };
  try {
    if (*health) {
      status = print(call("GET", url + "/health", "", ""));
      status |= print(call("GET", url + "/health/ready", "", ""));
    } else if (*list) {
      status = print(call("GET", url + "/admin/plugins", admin, ""));
    } else if (*load) {
      status = print(call("POST", url + "/admin/plugins", admin, body_with(nlohmann::json::object())));
    } else if (*reload) {
      status =
          print(call("POST", url + "/admin/plugins/" + name + "/reload", admin, body_with(nlohmann::json::object())));
    } else if (*unload) {
      status = print(call("DELETE", url + "/admin/plugins/" + name, admin, ""));
    }
  } catch (const nlohmann::json::exception& e) {
    std::fprintf(stderr, "sbctl: --config is not valid JSON: %s\n", e.what());
    status = 2;
  }
  curl_global_cleanup();
  return status;
}
