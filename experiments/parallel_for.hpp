#pragma once
// Work spread over threads: each thread takes the next index not yet taken.
#include <cstddef>
#include <functional>

namespace quantlab {

/// Runs f(i) for every i in [0, n) on up to `threads` threads (fewer if no more can start);
/// rethrows the exception of the lowest index that threw, as a serial loop would.
void parallel_for(std::size_t n, std::size_t threads, const std::function<void(std::size_t)>& f);

}  // namespace quantlab
