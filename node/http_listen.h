// One rule for every HTTP server of the node (JSON-RPC, the devnet Bitcoin): a port is
// owned by one process. cpp-httplib binds with SO_REUSEPORT by default, under which a second
// server binds the same port without error and the kernel splits connections between the
// two; a node started twice, or a devnet over a running bitcoind, would then answer half
// of the requests from the wrong process. SO_REUSEADDR alone still allows a restart while
// old connections sit in TIME_WAIT.
#pragma once

#include <sys/socket.h>

#include <httplib.h>

namespace alys::node {

inline void own_port_exclusively(httplib::Server& server) {
  server.set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
}

}  // namespace alys::node
