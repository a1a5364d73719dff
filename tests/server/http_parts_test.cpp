// The HTTP layer's parts on their own: the admission table (counts, the
// per-address key, longest-idle eviction), the work lanes' write/read ratio,
// and the access log's line (its escaping and truncation).
#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "server/access_log.hpp"
#include "server/connection_table.hpp"
#include "server/work_lanes.hpp"

using senim::server::ConnectionTable;
using senim::server::Refusal;
namespace ip = boost::asio::ip;

TEST_CASE("connections are counted per IPv4 address and per IPv6 /64", "[server][admission]") {
  using senim::server::address_key;
  CHECK(address_key(ip::make_address("192.0.2.7")) == "192.0.2.7");
  CHECK(address_key(ip::make_address("::ffff:192.0.2.7")) == "192.0.2.7");
  CHECK(address_key(ip::make_address("2001:db8:1:2:3:4:5:6")) == "2001:db8:1:2::/64");
  CHECK(address_key(ip::make_address("2001:db8:1:2:ffff::1")) == "2001:db8:1:2::/64");
  CHECK(address_key(ip::make_address("2001:db8:1:3::1")) == "2001:db8:1:3::/64");
}

TEST_CASE("the admission table refuses per address and at the cap, and evicts the longest idle",
          "[server][admission]") {
  auto table = ConnectionTable::create({3, 2});
  const auto a = ip::make_address("10.0.0.1");
  const auto b = ip::make_address("10.0.0.2");
  auto a1 = table->admit(a);
  auto a2 = table->admit(a);
  REQUIRE(a1.slot);
  REQUIRE(a2.slot);
  auto a3 = table->admit(a);
  CHECK_FALSE(a3.slot);
  CHECK(a3.refusal == Refusal::per_address);
  auto b1 = table->admit(b);
  REQUIRE(b1.slot);
  CHECK(table->open() == 3);
  // Full, nothing idle: refused.
  auto c1 = table->admit(ip::make_address("10.0.0.3"));
  CHECK_FALSE(c1.slot);
  CHECK(c1.refusal == Refusal::connection_cap);
  // b1 idle first, then a2: b1 has been idle the longest and goes.
  std::vector<std::string> evicted;
  table->set_idle(*b1.slot, [&] { evicted.emplace_back("b1"); });
  table->set_idle(*a2.slot, [&] { evicted.emplace_back("a2"); });
  CHECK(table->idle() == 2);
  auto c2 = table->admit(ip::make_address("10.0.0.3"));
  REQUIRE(c2.slot);
  CHECK(c2.evicted_one);
  CHECK(evicted == std::vector<std::string>{"b1"});
  CHECK(table->open() == 3);
  // The evicted connection learns its place is gone; a2 becomes busy again.
  CHECK_FALSE(table->set_busy(*b1.slot));
  CHECK(table->set_busy(*a2.slot));
  CHECK(table->idle() == 0);
  // b's count went with the eviction: b may connect again once there is room.
  b1.slot.reset();
  a1.slot.reset();
  CHECK(table->open() == 2);
  CHECK(table->admit(b).slot);
}

TEST_CASE("the work lanes take three writes per read while both wait", "[server][lanes]") {
  senim::server::WorkLanes lanes(1, 3);
  std::mutex mutex;
  std::condition_variable cv;
  bool held = false;
  bool release = false;
  std::vector<char> order;
  // The one worker is held while both lanes fill up.
  REQUIRE(lanes.submit(senim::server::Lane::read, [&] {
    std::unique_lock lock(mutex);
    held = true;
    cv.notify_all();
    cv.wait(lock, [&] { return release; });
  }));
  {
    std::unique_lock lock(mutex);
    cv.wait(lock, [&] { return held; });
  }
  for (int i = 0; i < 8; ++i) {
    REQUIRE(lanes.submit(senim::server::Lane::read, [&] {
      const std::lock_guard lock(mutex);
      order.push_back('r');
    }));
    REQUIRE(lanes.submit(senim::server::Lane::write, [&] {
      const std::lock_guard lock(mutex);
      order.push_back('w');
    }));
  }
  {
    const std::lock_guard lock(mutex);
    release = true;
  }
  cv.notify_all();
  lanes.stop();  // finishes what is queued
  CHECK(std::string(order.begin(), order.end()) == "wwwrwwwrwwrrrrrr");
  CHECK_FALSE(lanes.submit(senim::server::Lane::write, [] {}));
}

TEST_CASE("an access-log line escapes the client's text and cuts a long path", "[server][log]") {
  using namespace std::chrono;
  senim::server::AccessRecord r;
  r.time =
      sys_days(year(2026) / 11 / 25) + hours(10) + minutes(25) + seconds(5) + milliseconds(123);
  r.address = "127.0.0.1";
  r.method = "GET";
  const std::string path = "/a b\n\x1b[31m\xff" + std::string(300, 'x');
  r.path = path;
  r.status = 200;
  r.bytes = 1187;
  r.duration = microseconds(5217);
  CHECK(senim::server::access_line(r) ==
        "2026-11-25T10:25:05.123Z 127.0.0.1 GET /a%20b%0A%1B[31m%FF" + std::string(256 - 11, 'x') +
            "... 200 1187 5.217\n");
  r.method = {};
  r.path = {};
  r.status = 400;
  CHECK(senim::server::access_line(r) == "2026-11-25T10:25:05.123Z 127.0.0.1 - - 400 1187 5.217\n");
}
