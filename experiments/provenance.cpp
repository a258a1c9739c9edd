#include "experiments/provenance.hpp"

#include <H5public.h>
#include <dlfcn.h>
#include <unistd.h>

#include <armadillo>
#include <boost/version.hpp>
#include <chrono>
#include <ctime>
#include <fstream>
#include <sstream>
#include <thread>

#include "build_info.hpp"
#include "experiments/openblas_kernels.hpp"

namespace quantlab {
namespace {

// OpenBLAS entry points looked up at run time: Armadillo links whatever BLAS the system
// alternative provides, and only OpenBLAS has these.
template <typename F>
F blas_symbol(const char* name) {
  return reinterpret_cast<F>(::dlsym(RTLD_DEFAULT, name));
}

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      return colon == std::string::npos ? line : line.substr(colon + 2);
    }
  return "unknown";
}

std::string host_name() {
  char buffer[256] = {};
  return ::gethostname(buffer, sizeof buffer - 1) == 0 ? buffer : "unknown";
}

}  // namespace

int set_blas_threads(int threads) {
  auto set = blas_symbol<void (*)(int)>("openblas_set_num_threads");
  auto get = blas_symbol<int (*)()>("openblas_get_num_threads");
  if (!set || !get) return -1;
  set(threads);
  return get();
}

int pin_blas_to_one_thread() {
  return set_blas_threads(1);
}

const std::map<std::string, std::string>& static_provenance() {
  static const std::map<std::string, std::string> fields = [] {
    std::map<std::string, std::string> f;
    std::istringstream git(git_state());
    std::string commit, state;
    git >> commit >> state;
    f["quantlab_version"] = QUANTLAB_VERSION;
    f["git_commit"] = commit;
    f["git_dirty"] = state == "dirty" ? "true" : state == "clean" ? "false" : "unknown";
    f["compiler"] = std::string("g++ ") + __VERSION__;
    f["build_type"] = QUANTLAB_BUILD_TYPE;
    f["armadillo_version"] = arma::arma_version::as_string();
    unsigned major = 0, minor = 0, release = 0;
    H5get_libversion(&major, &minor, &release);
    f["hdf5_version"] =
        std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(release);
    f["yaml_cpp_version"] = QUANTLAB_YAML_CPP_VERSION;
    f["boost_version"] = std::to_string(BOOST_VERSION / 100000) + "." +
                         std::to_string(BOOST_VERSION / 100 % 1000) + "." +
                         std::to_string(BOOST_VERSION % 100);
    auto core = blas_symbol<char* (*)()>("openblas_get_corename");
    auto config = blas_symbol<char* (*)()>("openblas_get_config");
    f["openblas_core"] = core ? core() : "not OpenBLAS";
    f["openblas_core_reason"] = core ? openblas_core_reason(core()) : "not OpenBLAS";
    f["openblas_config"] = config ? config() : "not OpenBLAS";
    f["host"] = host_name();
    f["cpu"] = cpu_model();
    f["hardware_threads"] = std::to_string(std::thread::hardware_concurrency());
    return f;
  }();
  return fields;
}

std::string utc_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

}  // namespace quantlab
