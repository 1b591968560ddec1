// RealEnv: one production node's Env (core/runtime/env.h, DESIGN.md §2) built from the real
// parts: wall and monotonic clocks, an Asio strand as the node's executor, TCP transport,
// LevelDB storage in the node's data directory, OS entropy, Buggify off, spdlog.
//
// open() opens the store and binds the listening socket; errors name what failed (the data
// directory, the address). Peers are given by set_peer_address on transport(); the node's
// program (AlysNode) is built on env() by the caller.
// Teardown order (ActorSystem's rule): stop the program's actors, stop the Asio pool,
// destroy the program, then the RealEnv. The io_context must outlive it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/runtime/buggify.h"
#include "core/runtime/env.h"
#include "core/runtime/status.h"
#include "runtime-real/asio_executor.h"
#include "runtime-real/leveldb_storage.h"
#include "runtime-real/os_random.h"
#include "runtime-real/real_clock.h"
#include "runtime-real/spd_log.h"
#include "runtime-real/tcp_transport.h"

namespace alys::real {

struct RealEnvOptions {
  NodeId id = 0;
  std::string data_dir;          // the LevelDB store lives here
  std::string listen_host = "127.0.0.1";
  std::uint16_t listen_port = 0;  // 0: any free port (port() tells which)
  TcpTransportOptions transport;
  LevelDbOptions storage;
  LogLevel log_level = LogLevel::kInfo;
};

class RealEnv {
 public:
  static Result<std::unique_ptr<RealEnv>> open(boost::asio::io_context& io,
                                               const RealEnvOptions& options);
  RealEnv(const RealEnv&) = delete;
  RealEnv& operator=(const RealEnv&) = delete;

  Env& env() { return env_; }
  TcpTransport& transport() { return transport_; }
  LevelDbStorage& storage() { return *storage_; }
  std::uint16_t port() const { return port_; }

 private:
  RealEnv(boost::asio::io_context& io, const RealEnvOptions& options,
          std::unique_ptr<LevelDbStorage> storage);

  RealClock clock_;
  AsioExecutor executor_;
  std::unique_ptr<LevelDbStorage> storage_;
  TcpTransport transport_;
  OsRandom random_;
  NoBuggify buggify_;
  SpdLog log_;
  Env env_;
  std::uint16_t port_ = 0;
};

}  // namespace alys::real
