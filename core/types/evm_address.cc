#include "core/types/evm_address.h"

#include "core/types/hex.h"

namespace alys {

std::string evm_address_hex(const EvmAddress& address) {
  return "0x" + to_hex(ByteView{address.data(), address.size()});
}

}  // namespace alys
