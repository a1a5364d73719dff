#include "server/connection_table.hpp"

#include <utility>

namespace senim::server {

const char* refusal_name(Refusal r) {
  switch (r) {
    case Refusal::per_address:
      return "per_address";
    case Refusal::connection_cap:
      return "connection_cap";
  }
  return "connection_cap";
}

std::string address_key(const boost::asio::ip::address& address) {
  if (address.is_v4())
    return address.to_string();
  const auto v6 = address.to_v6();
  if (v6.is_v4_mapped())
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6).to_string();
  auto bytes = v6.to_bytes();
  // One host commonly holds a whole /64: count the prefix, not the address.
  for (std::size_t i = 8; i < bytes.size(); ++i)
    bytes[i] = 0;
  return boost::asio::ip::address_v6(bytes).to_string() + "/64";
}

ConnectionTable::Slot::~Slot() {
  table_->release(entry_);
}

std::shared_ptr<ConnectionTable> ConnectionTable::create(ConnectionLimits limits) {
  return std::shared_ptr<ConnectionTable>(new ConnectionTable(limits));
}

ConnectionTable::Admission ConnectionTable::admit(const boost::asio::ip::address& address) {
  Admission out;
  std::function<void()> evict;
  {
    const std::lock_guard lock(mutex_);
    std::string key = address_key(address);
    auto counted_here = per_address_.find(key);
    if (limits_.per_address != 0 && counted_here != per_address_.end() &&
        counted_here->second >= limits_.per_address) {
      out.refusal = Refusal::per_address;
      return out;
    }
    if (counted_ >= limits_.total) {
      if (idle_.empty()) {
        out.refusal = Refusal::connection_cap;
        return out;
      }
      // The longest-idle connection gives up its place now; it closes on
      // its own strand.
      const auto oldest = idle_.front();
      evict = std::move(oldest->evict);
      forget(oldest);
      out.evicted_one = true;
    }
    ++per_address_[key];
    ++counted_;
    entries_.push_front(Entry{std::move(key), {}, {}, false, true});
    out.slot.reset(new Slot(shared_from_this(), entries_.begin()));
  }
  if (evict)
    evict();
  return out;
}

void ConnectionTable::set_idle(Slot& slot, std::function<void()> evict) {
  const std::lock_guard lock(mutex_);
  Entry& e = *slot.entry_;
  if (!e.counted || e.idle)
    return;
  e.evict = std::move(evict);
  e.idle = true;
  e.idle_position = idle_.insert(idle_.end(), slot.entry_);
}

bool ConnectionTable::set_busy(Slot& slot) {
  const std::lock_guard lock(mutex_);
  Entry& e = *slot.entry_;
  if (!e.counted)
    return false;
  if (e.idle) {
    idle_.erase(e.idle_position);
    e.idle = false;
    e.evict = nullptr;
  }
  return true;
}

std::size_t ConnectionTable::open() const {
  const std::lock_guard lock(mutex_);
  return counted_;
}

std::size_t ConnectionTable::idle() const {
  const std::lock_guard lock(mutex_);
  return idle_.size();
}

void ConnectionTable::forget(std::list<Entry>::iterator entry) {
  Entry& e = *entry;
  if (!e.counted)
    return;
  if (e.idle) {
    idle_.erase(e.idle_position);
    e.idle = false;
  }
  e.counted = false;
  --counted_;
  auto it = per_address_.find(e.address);
  if (it != per_address_.end() && --it->second == 0)
    per_address_.erase(it);
}

void ConnectionTable::release(std::list<Entry>::iterator entry) {
  std::function<void()> dropped;  // destroyed outside the lock
  const std::lock_guard lock(mutex_);
  forget(entry);
  dropped = std::move(entry->evict);
  entries_.erase(entry);
}

}  // namespace senim::server
