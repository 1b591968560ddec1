#include "node/load/load_nodes.h"

#include <signal.h>
#include <stdlib.h>

#include <filesystem>
#include <thread>

#include <fmt/format.h>

#include "node/node_files.h"

namespace alys::node::load {

namespace {

namespace fs = std::filesystem;

constexpr auto kReadyPoll = std::chrono::milliseconds(250);

}  // namespace

Result<std::unique_ptr<LoadNodes>> LoadNodes::open(const LoadOptions& o) {
  std::unique_ptr<LoadNodes> n(new LoadNodes());
  auto endpoint = [&](std::string host, std::uint16_t port) {
    JsonRpcEndpoint e;
    e.host = std::move(host);
    e.port = port;
    e.timeout = o.request_timeout;
    return e;
  };
  if (!o.rpc.empty()) {
    for (const std::string& address : o.rpc) {
      auto a = parse_host_port(address, /*allow_any_port=*/false);
      if (!a) return Status::invalid_argument(fmt::format("--rpc: {}", a.error().message()));
      n->endpoints_.push_back(endpoint(a->host, a->port));
    }
    return n;
  }
  if (o.dir.empty()) {
    std::string pattern = (fs::temp_directory_path() / "alys-loadtest-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      return Status::io_error(fmt::format("cannot create a temporary directory like {}", pattern));
    }
    n->dir_ = pattern;
    n->temporary_dir_ = true;
  } else {
    std::error_code ec;
    fs::create_directories(o.dir, ec);
    if (ec) return Status::io_error(fmt::format("--dir: cannot create {}: {}", o.dir, ec.message()));
    n->dir_ = o.dir;
  }
  const std::string rate = std::to_string(kMaxRpcRate);
  auto child = ChildProcess::spawn(
      self_executable(),
      {"devnet", "--nodes", std::to_string(o.nodes), "--dir", (fs::path(n->dir_) / "net").string(), "--base-port",
       std::to_string(o.base_port), "--rpc-base-port", std::to_string(o.rpc_base_port), "--bitcoin-port",
       std::to_string(o.bitcoin_port), "--slot-ms", std::to_string(o.slot_ms), "--rpc-rate", rate, "--rpc-burst",
       rate},
      (fs::path(n->dir_) / "devnet.log").string());
  if (!child) return Status::io_error(fmt::format("starting the devnet: {}", child.error().message()));
  n->devnet_.emplace(std::move(*child));
  for (std::size_t i = 0; i < o.nodes; ++i) {
    n->endpoints_.push_back(endpoint("127.0.0.1", static_cast<std::uint16_t>(o.rpc_base_port + i)));
  }
  return n;
}

LoadNodes::~LoadNodes() { stop_devnet(); }

bool LoadNodes::devnet_running() { return !devnet_ || devnet_->running(); }

Status LoadNodes::wait_ready(std::chrono::steady_clock::time_point deadline) {
  std::vector<std::unique_ptr<JsonRpcClient>> rpcs;
  for (const JsonRpcEndpoint& e : endpoints_) rpcs.push_back(std::make_unique<JsonRpcClient>(e));
  std::string missing;
  for (;;) {
    missing.clear();
    for (std::size_t i = 0; i < rpcs.size(); ++i) {
      auto s = rpcs[i]->call("alys_status");
      if (!s) {
        missing += fmt::format(" node {}: {};", i, s.error().message());
        continue;
      }
      const std::uint64_t height = (*s)["head"].value("height", std::uint64_t{0});
      const std::uint64_t peers = (*s)["peers"].is_number_unsigned() ? (*s)["peers"].get<std::uint64_t>() : 0;
      if (height == 0 || peers + 1 < rpcs.size()) {
        missing += fmt::format(" node {}: head h{}, {} peers;", i, height, peers);
      }
    }
    if (missing.empty()) return Status::ok();
    if (!devnet_running()) {
      return Status::unavailable(fmt::format("the devnet exited with {} (see {}/devnet.log)",
                                             devnet_->exit_code().value_or(-1), dir_));
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return Status::timeout(fmt::format("the nodes are not ready:{}", missing));
    }
    std::this_thread::sleep_for(kReadyPoll);
  }
}

std::optional<int> LoadNodes::stop_devnet() {
  if (!devnet_) return std::nullopt;
  if (devnet_->exit_code()) return devnet_->exit_code();
  devnet_->signal(SIGINT);
  if (auto code = devnet_->wait_for(std::chrono::duration_cast<std::chrono::milliseconds>(kDevnetStopTimeout))) {
    return code;
  }
  return devnet_->stop(std::chrono::milliseconds(0));
}

void LoadNodes::remove_temporary_dir() {
  if (!temporary_dir_) return;
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

}  // namespace alys::node::load
