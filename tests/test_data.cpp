#include "tests/test_data.hpp"

#include <fstream>
#include <stdexcept>

namespace senim::test {

std::string data_path(const std::string& name) {
  return std::string(SENIM_TEST_DATA_DIR) + "/" + name;
}

nlohmann::json load_json(const std::string& name) {
  std::ifstream in(data_path(name));
  if (!in)
    throw std::runtime_error("missing test data " + name);
  return nlohmann::json::parse(in);
}

Bytes hex(const std::string& text) {
  auto bytes = from_hex(text);
  if (!bytes)
    throw std::runtime_error("bad hex in test data: " + text);
  return *bytes;
}

}  // namespace senim::test
