#include "runtime-real/real_env.h"

#include <fmt/format.h>

namespace alys::real {

Result<std::unique_ptr<RealEnv>> RealEnv::open(boost::asio::io_context& io,
                                               const RealEnvOptions& options) {
  auto storage = LevelDbStorage::open(options.data_dir, options.storage);
  if (!storage) return storage.error();  // names the directory
  std::unique_ptr<RealEnv> env(new RealEnv(io, options, std::move(storage).value()));
  auto port = env->transport_.listen(options.listen_host, options.listen_port);
  if (!port) return port.error();  // names the address
  env->port_ = *port;
  return env;
}

RealEnv::RealEnv(boost::asio::io_context& io, const RealEnvOptions& options,
                 std::unique_ptr<LevelDbStorage> storage)
    : executor_(io),
      storage_(std::move(storage)),
      transport_(io, executor_, options.id, options.transport),
      log_(fmt::format("n{}", options.id)),
      env_(options.id, clock_, executor_, transport_, *storage_, random_, buggify_, log_) {
  log_.set_level(options.log_level);
}

}  // namespace alys::real
