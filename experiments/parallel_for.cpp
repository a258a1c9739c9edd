#include "experiments/parallel_for.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <thread>
#include <vector>

namespace quantlab {

void parallel_for(std::size_t n, std::size_t threads, const std::function<void(std::size_t)>& f) {
  std::vector<std::exception_ptr> errors(n);
  std::atomic<std::size_t> next{0};
  const auto work = [&] {
    for (std::size_t i; (i = next++) < n;) {
      try {
        f(i);
      } catch (...) {
        errors[i] = std::current_exception();
      }
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(std::min(threads, n));
  try {
    for (std::size_t t = 1; t < std::min(threads, n); ++t) pool.emplace_back(work);
  } catch (...) {
    // Fewer threads than asked (a limit on threads or memory): the ones started, and this
    // one, take every index all the same. (Left to unwind, the started threads' destructors
    // would end the process.)
  }
  work();
  for (auto& t : pool) t.join();
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);
}

}  // namespace quantlab
