// bench_attack: does the board keep serving voters while it is attacked?
// (issue 10; docs/performance.md, "Under attack")
//
//   bench_attack [--seconds S] [--rate R] [--filler N] [--attacks a,b,…]
//                [--runs N] [--addresses N] [--check] [--quick]
//
// Starts the real senim-server on loopback with an open election (the demo's
// manifest: a referendum and "choose two of five"), `--filler` ballots
// already cast so that a page of /v1/entries is a few MiB, and credential
// files for the honest voters. Then, phase by phase (no attack first, as the
// baseline, then each attack of attack_traffic.hpp), it runs the attack for
// S seconds while honest voters run the real `senim vote`, R per second,
// from 127.0.0.1 (the attackers come from 127.0.0.2 …). Per phase it reports
// the honest voters' time to a receipt (p50, p99, max), how many failed and
// why, the server's peak RSS (VmHWM, reset at the start of the phase), its
// CPU time, the machine's load average, the kernel's count of dropped and
// retransmitted SYNs (a dropped SYN costs its connection one second), what
// the attacker did and what the server's /metrics counted. Everything is
// bounded in time and count and goes to loopback only.
//
// --check exits 1 unless every phase meets the targets of issue 10: no
// honest ballot refused, honest p99 ≤ --max-p99 (1 s), peak RSS ≤ --max-rss
// (256 MB), no smuggled request answered. --quick is the bounded version
// scripts/test runs (ctest bench_attack_quick).
#include <sodium.h>

#include <CLI/CLI.hpp>
#include <array>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <cstdio>
#include <future>
#include <sstream>
#include <string_view>
#include <thread>

#include "bench/attack_traffic.hpp"
#include "bench/honest_voters.hpp"
#include "bench/process_stats.hpp"
#include "client/board_client.hpp"
#include "client/key_files.hpp"
#include "net/http_client.hpp"
#include "net/url.hpp"
#include "proto/files.pb.h"
#include "protocol/entry.hpp"
#include "server/limits.hpp"
#include "sim/election_builder.hpp"
#include "tests/server/server_process.hpp"

namespace {

namespace net = boost::asio;
using Clock = std::chrono::steady_clock;
using senim::bench::percentile;

struct Options {
  double seconds = 30;
  double warmup = 2;
  double rate = 3;
  std::uint32_t filler = 1000;
  std::vector<std::string> attacks = senim::bench::attack_names();
  unsigned runs = 1;
  unsigned addresses = 50;
  bool check = false;
  double max_p99 = 1.0;
  double max_rss_mb = 256;
  std::string server_binary;
};

struct Phase {
  std::string name;
  std::string description;
  std::vector<senim::bench::VoteResult> votes;
  std::uint64_t peak_rss = 0;
  double server_cpu = 0;
  std::string load_before;
  std::string load_after;
  std::map<std::string, double> metrics;        // deltas of the server's counters
  std::map<std::string, std::uint64_t> kernel;  // deltas of tcp_counters()
  std::uint64_t connects = 0;
  std::uint64_t requests = 0;
  std::uint64_t answers = 0;
  std::uint64_t refused = 0;
  std::uint64_t closed_by_server = 0;
  std::uint64_t smuggled = 0;

  std::vector<double> times() const {
    std::vector<double> t;
    for (const auto& v : votes) {
      if (v.status == 0)
        t.push_back(v.seconds);
    }
    return t;
  }
  std::size_t failed() const { return votes.size() - times().size(); }
};

std::string_view view(const senim::Bytes& b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

[[noreturn]] void die(const std::string& why) {
  std::fprintf(stderr, "bench_attack: %s\n", why.c_str());
  std::exit(2);
}

// The server counters a phase reports the change of.
constexpr std::array<std::string_view, 10> kCounters{
    "senim_refused_connections_total{reason=\"connection_cap\"}",
    "senim_refused_connections_total{reason=\"per_address\"}",
    "senim_closed_connections_total{reason=\"evicted\"}",
    "senim_closed_connections_total{reason=\"idle_timeout\"}",
    "senim_closed_connections_total{reason=\"request_timeout\"}",
    "senim_closed_connections_total{reason=\"response_timeout\"}",
    "senim_overloaded_requests_total{reason=\"intake_queue\"}",
    "senim_http_requests_total{code=\"400\"}",
    "senim_http_requests_total{code=\"413\"}",
    "senim_http_requests_total{code=\"503\"}",
};

std::map<std::string, double> scrape(const std::string& url) {
  std::map<std::string, double> out;
  auto c = senim::net::HttpClient::create(url);
  auto r = c->get("/metrics");
  if (!r || r->status != 200)
    return out;  // a server without /metrics (an older one, for comparison)
  std::istringstream lines(r->body);
  std::string line;
  while (std::getline(lines, line)) {
    const auto space = line.rfind(' ');
    if (line.empty() || line[0] == '#' || space == std::string::npos)
      continue;
    out[line.substr(0, space)] = std::stod(line.substr(space + 1));
  }
  return out;
}

// Waits (up to 15 s) until the server holds at most one connection.
void settle(const std::string& url) {
  const auto deadline = Clock::now() + std::chrono::seconds(15);
  while (Clock::now() < deadline) {
    auto m = scrape(url);
    if (m.empty() || m["senim_open_connections"] <= 1)
      return;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

// An open election with `filler` ballots cast and `honest` credential files.
std::vector<std::string> prepare_election(const std::string& url, const std::string& dir,
                                          std::uint32_t filler, std::uint32_t honest) {
  auto admin = senim::net::HttpClient::create(url);
  senim::v1::BoardInfo info;
  if (!admin || !info.ParseFromString(admin->get("/v1/election")->body))
    die("cannot read the board's key");
  senim::sim::ElectionPlan plan;
  plan.manifest = senim::sim::demo_manifest("attack-2026");
  plan.voters = filler + honest;
  plan.trustees = 3;
  plan.threshold = 2;
  plan.validate = false;
  plan.board_public_key.emplace();
  std::copy(info.board_key().begin(), info.board_key().end(), plan.board_public_key->begin());
  senim::sim::ElectionBuilder builder(std::move(plan));
  builder.prepare();
  std::vector<std::pair<std::uint32_t, senim::protocol::BallotChoices>> votes;
  for (std::uint32_t v = 0; v < filler; ++v)
    votes.emplace_back(v, senim::sim::demo_choices(v % 3, {v % 2, 1 - v % 2, 0, 0, 0}));
  builder.cast_many(votes, std::max(1U, std::thread::hardware_concurrency()));
  // Posted in order for the set-up, then from 8 connections for the ballots.
  std::size_t i = 0;
  auto post = [&](senim::net::HttpClient& c, std::size_t n) {
    const std::string path = "/v1/" + senim::client::post_path(builder.parsed(n).statement);
    auto r = c.post(path, view(builder.entries()[n]));
    if (!r || r->status != 200)
      die("posting entry " + std::to_string(n) + " failed");
  };
  for (; i < builder.entries().size() && !builder.parsed(i).statement.has_ballot(); ++i)
    post(*admin, i);
  std::atomic<std::size_t> next{i};
  std::vector<std::thread> posters;
  posters.reserve(8);
  for (int t = 0; t < 8; ++t) {
    posters.emplace_back([&] {
      auto c = senim::net::HttpClient::create(url);
      for (std::size_t n; (n = next++) < builder.entries().size();)
        post(*c, n);
    });
  }
  for (auto& t : posters)
    t.join();
  std::vector<std::string> credentials;
  for (std::uint32_t v = filler; v < filler + honest; ++v) {
    senim::v1::VoterCredentialFile file;
    file.set_election_id("attack-2026");
    file.set_server(url);
    senim::Bytes seed = builder.voter_key(v).seed();
    file.set_seed(senim::to_string(seed));
    senim::wipe(seed);
    credentials.push_back(dir + "/voter-" + std::to_string(v) + ".cred");
    if (auto s = senim::client::write_message_file(credentials.back(), file,
                                                   senim::client::Secrecy::secret_file);
        !s) {
      die(s.error().message);
    }
  }
  return credentials;
}

Phase run_phase(const std::string& name, const Options& o, const senim::test::ServerProcess& server,
                net::io_context& io, const std::vector<std::string>& credentials,
                std::size_t& next_credential) {
  Phase p;
  p.name = name;
  const std::string& url = server.url();
  auto url_parts = senim::net::parse_url(url);
  senim::bench::AttackTarget target;
  target.io = &io;
  target.server = net::ip::tcp::endpoint(net::ip::make_address(url_parts->host), url_parts->port);
  target.source_addresses = o.addresses;
  target.large_body_bytes = senim::server::limits::kMaxBodyBytes;
  std::unique_ptr<senim::bench::Attack> attack;
  if (name != "baseline") {
    attack = senim::bench::make_attack(name, target);
    if (!attack)
      die("no attack named " + name);
    p.description = attack->description();
  } else {
    p.description = "no attack";
  }
  const auto before = scrape(url);
  const auto kernel_before = senim::bench::tcp_counters();
  senim::bench::reset_peak_rss(server.pid());
  p.load_before = senim::bench::load_average();
  const double cpu0 = senim::bench::cpu_seconds(server.pid());
  if (attack) {
    net::post(io, [&] { attack->start(); });
    std::this_thread::sleep_for(std::chrono::duration<double>(o.warmup));
  }
  p.votes = senim::bench::vote_for(SENIM_BINARY, credentials, next_credential, o.rate,
                                   std::chrono::duration<double>(o.seconds - o.warmup), 4);
  if (attack) {
    std::promise<void> stopped;
    net::post(io, [&] {
      attack->stop();
      stopped.set_value();
    });
    stopped.get_future().wait();
    auto& c = attack->counters();
    p.connects = c.connects;
    p.requests = c.requests;
    p.answers = c.answers;
    p.refused = c.refused;
    p.closed_by_server = c.closed_by_server;
    p.smuggled = c.smuggled;
  }
  p.peak_rss = senim::bench::peak_rss_bytes(server.pid());
  p.server_cpu = senim::bench::cpu_seconds(server.pid()) - cpu0;
  p.load_after = senim::bench::load_average();
  for (const auto& [counter, value] : senim::bench::tcp_counters()) {
    const auto b = kernel_before.find(counter);
    p.kernel[counter] = value - (b == kernel_before.end() ? 0 : b->second);
  }
  const auto after = scrape(url);
  for (const std::string_view series : kCounters) {
    const std::string counter(series);
    auto a = after.find(counter);
    auto b = before.find(counter);
    if (a != after.end())
      p.metrics[counter] = a->second - (b == before.end() ? 0 : b->second);
  }
  settle(url);
  // The attack's handlers have all run (stop() closed every socket); it
  // goes before the next phase's starts.
  net::post(io, [a = std::shared_ptr<senim::bench::Attack>(std::move(attack))] {});
  return p;
}

void print_phase(const Phase& p) {
  const auto t = p.times();
  std::printf("\n== %s: %s\n", p.name.c_str(), p.description.c_str());
  std::printf(
      "   honest votes   %zu receipted, %zu failed; time to receipt p50 %.3f s, p99 %.3f "
      "s, max %.3f s\n",
      t.size(), p.failed(), percentile(t, 0.50), percentile(t, 0.99),
      t.empty() ? 0.0 : *std::max_element(t.begin(), t.end()));
  for (const auto& v : p.votes) {
    if (v.status != 0)
      std::printf("   refused voter  status %d after %.3f s: %s", v.status, v.seconds,
                  v.error.c_str());
  }
  std::printf("   server         peak RSS %.1f MB, %.2f s of CPU; load average %s -> %s\n",
              static_cast<double>(p.peak_rss) / 1e6, p.server_cpu, p.load_before.c_str(),
              p.load_after.c_str());
  if (p.name != "baseline") {
    std::printf(
        "   attacker       %llu connections opened, %llu requests, %llu answers (%llu "
        "503), %llu closed by the server, %llu smuggled answers\n",
        static_cast<unsigned long long>(p.connects), static_cast<unsigned long long>(p.requests),
        static_cast<unsigned long long>(p.answers), static_cast<unsigned long long>(p.refused),
        static_cast<unsigned long long>(p.closed_by_server),
        static_cast<unsigned long long>(p.smuggled));
  }
  // A connection whose SYN the kernel dropped waits a second for the
  // retransmission: this says whether an outlier was that.
  std::string kernel;
  for (const auto& [name, delta] : p.kernel)
    kernel += " " + name + " +" + std::to_string(delta);
  std::printf("   kernel        %s\n", kernel.c_str());
  std::string counted;
  for (const auto& [name, delta] : p.metrics) {
    if (delta != 0)
      counted +=
          "\n                  " + name + " +" + std::to_string(static_cast<long long>(delta));
  }
  if (!counted.empty())
    std::printf("   server counted%s\n", counted.c_str());
}

// Misses of the targets, one line each.
std::vector<std::string> misses(const Phase& p, const Options& o) {
  std::vector<std::string> out;
  const auto t = p.times();
  if (p.failed() != 0)
    out.push_back(p.name + ": " + std::to_string(p.failed()) + " honest votes failed");
  if (t.empty())
    out.push_back(p.name + ": no honest vote was receipted");
  if (percentile(t, 0.99) > o.max_p99)
    out.push_back(p.name + ": honest p99 " + std::to_string(percentile(t, 0.99)) + " s > " +
                  std::to_string(o.max_p99) + " s");
  if (static_cast<double>(p.peak_rss) > o.max_rss_mb * 1e6)
    out.push_back(p.name + ": peak RSS " + std::to_string(p.peak_rss / 1'000'000) + " MB > " +
                  std::to_string(static_cast<int>(o.max_rss_mb)) + " MB");
  if (p.smuggled != 0)
    out.push_back(p.name + ": " + std::to_string(p.smuggled) + " smuggled requests answered");
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"bench_attack: honest voters' time to a receipt while the board is attacked"};
  Options o;
  bool quick = false;
  std::string attacks;
  app.add_option("--seconds", o.seconds, "length of each phase")->capture_default_str();
  app.add_option("--warmup", o.warmup, "seconds of attack before the first honest voter")
      ->capture_default_str();
  app.add_option("--rate", o.rate, "honest voters started per second")->capture_default_str();
  app.add_option("--filler", o.filler, "ballots cast before the phases (page size)")
      ->capture_default_str();
  app.add_option("--attacks", attacks, "comma-separated attacks (default: all, in order)");
  app.add_option("--runs", o.runs, "repeat everything on a fresh server")->capture_default_str();
  app.add_option("--addresses", o.addresses, "attacker source addresses 127.0.0.2…")
      ->capture_default_str();
  app.add_flag("--check", o.check, "exit 1 unless every phase meets the targets");
  app.add_option("--max-p99", o.max_p99, "target: honest p99 in seconds")->capture_default_str();
  app.add_option("--max-rss", o.max_rss_mb, "target: server peak RSS in MB")->capture_default_str();
  app.add_option("--server-binary", o.server_binary, "another senim-server to attack instead");
  app.add_flag("--quick", quick, "the bounded version: 6 s phases, 300 filler ballots, --check");
  CLI11_PARSE(app, argc, argv);
  if (quick) {
    o.seconds = 6;
    o.warmup = 1;
    o.filler = 300;
    o.check = true;
  }
  if (!attacks.empty()) {
    o.attacks.clear();
    std::stringstream list(attacks);
    for (std::string a; std::getline(list, a, ',');)
      o.attacks.push_back(a);
  }
  if (o.seconds <= o.warmup || o.rate <= 0)
    die("--seconds must exceed --warmup, and --rate be positive");
  if (sodium_init() < 0)
    return 2;
  senim::protocol::quiet_protobuf_logging();
  if (!o.server_binary.empty())
    senim::test::ServerProcess::use_binary(o.server_binary);

  std::vector<std::string> phases{"baseline"};
  phases.insert(phases.end(), o.attacks.begin(), o.attacks.end());
  const auto per_phase = static_cast<std::uint32_t>(o.rate * o.seconds) + 2;
  net::io_context io;
  auto work = net::make_work_guard(io);
  std::thread attacker([&] { io.run(); });
  std::vector<std::vector<Phase>> runs;
  for (unsigned run = 1; run <= o.runs; ++run) {
    const senim::test::TempDir dir;
    senim::test::ServerProcess server(dir.path() + "/board");
    const auto t0 = Clock::now();
    const auto credentials = prepare_election(
        server.url(), dir.path(), o.filler, per_phase * static_cast<std::uint32_t>(phases.size()));
    std::printf(
        "\n#### run %u of %u: senim-server at %s, %u cores; %u filler ballots and %zu "
        "credentials ready in %.1f s; phases of %.0f s (attack %.0f s ahead), %.1f honest "
        "voters/s, attackers from %u addresses\n",
        run, o.runs, server.url().c_str(), std::thread::hardware_concurrency(), o.filler,
        credentials.size(), std::chrono::duration<double>(Clock::now() - t0).count(), o.seconds,
        o.warmup, o.rate, o.addresses);
    std::fflush(stdout);
    std::size_t next = 0;
    runs.emplace_back();
    for (const auto& name : phases) {
      runs.back().push_back(run_phase(name, o, server, io, credentials, next));
      print_phase(runs.back().back());
      std::fflush(stdout);
    }
    // senim-server writes nothing on stderr unless something went wrong.
    if (const std::string log = server.log(); !log.empty())
      std::printf("\n   the server said:\n%s", log.substr(0, 4000).c_str());
  }
  work.reset();
  io.stop();
  attacker.join();

  // The summary: per phase, the median over runs of p50, p99 and peak RSS.
  std::printf("\n%-10s %8s %8s %10s %10s %14s\n", "phase", "votes", "failed", "p50 (s)", "p99 (s)",
              "peak RSS (MB)");
  std::vector<std::string> missed;
  for (std::size_t i = 0; i < phases.size(); ++i) {
    std::vector<double> p50;
    std::vector<double> p99;
    std::vector<double> rss;
    std::size_t votes = 0;
    std::size_t failed = 0;
    for (const auto& run : runs) {
      const Phase& p = run[i];
      p50.push_back(percentile(p.times(), 0.50));
      p99.push_back(percentile(p.times(), 0.99));
      rss.push_back(static_cast<double>(p.peak_rss) / 1e6);
      votes += p.votes.size();
      failed += p.failed();
      for (auto& m : misses(p, o))
        missed.push_back(m);
    }
    std::printf("%-10s %8zu %8zu %10.3f %10.3f %14.1f\n", phases[i].c_str(), votes, failed,
                percentile(p50, 0.5), percentile(p99, 0.5), percentile(rss, 0.5));
  }
  if (runs.size() > 1)
    std::printf("(medians over %zu runs)\n", runs.size());
  for (const auto& m : missed)
    std::printf("MISSED %s\n", m.c_str());
  if (o.check && !missed.empty())
    return 1;
  std::printf("%s\n", o.check ? "every target met" : "");
  return 0;
}
