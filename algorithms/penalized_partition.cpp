#include "algorithms/penalized_partition.hpp"

#include <cstdint>

namespace quantlab {

PenalizedPartition penalized_partition(const PrefixSums& sums, double lambda) {
  const std::size_t m = sums.size();
  std::vector<double> F(m + 1);
  std::vector<std::uint32_t> from(m + 1, 0);
  // The deque, as arrays with a head and a size: candidate[k] is the best last-group start for
  // j in [begin[k], begin[k+1]).
  std::vector<std::uint32_t> candidate(m + 1), begin(m + 1);
  std::size_t head = 0, size = 0;
  auto push = [&](std::size_t c, std::size_t first_end) {
    candidate[size] = static_cast<std::uint32_t>(c);
    begin[size++] = static_cast<std::uint32_t>(first_end);
  };
  auto value = [&](std::size_t i, std::size_t j) { return F[i] + sums.sse(i, j); };

  F[0] = 0;
  push(0, 1);
  for (std::size_t j = 1; j <= m; ++j) {
    while (head + 1 < size && begin[head + 1] <= j) ++head;
    const std::size_t i = candidate[head];
    F[j] = value(i, j) + lambda;
    from[j] = static_cast<std::uint32_t>(i);
    if (j == m) break;

    // j as a candidate for every later end t > j: it takes over from the back of the deque
    // from the first t where it is strictly better (and, by monotonicity, stays better).
    while (size > head) {
      const std::size_t t = std::max<std::size_t>(begin[size - 1], j + 1);
      if (!(value(j, t) < value(candidate[size - 1], t))) break;
      --size;
    }
    if (size == head) {
      push(j, j + 1);
      continue;
    }
    const std::size_t rival = candidate[size - 1];
    const std::size_t lo = std::max<std::size_t>(begin[size - 1], j + 1);  // rival wins at lo
    auto wins = [&](std::size_t t) { return value(j, t) < value(rival, t); };
    // j mostly wins within a few values of lo: a plain scan there, whose comparisons do not
    // wait for each other's results as a bisection's do. Then m is asked (j wins at m or
    // nowhere), then a gallop and a bisection of its last gap.
    constexpr std::size_t scan = 8;
    const std::size_t scan_end = std::min(lo + scan, m);
    std::size_t win = lo + 1;
    while (win <= scan_end && !wins(win)) ++win;
    if (win > scan_end) {
      if (scan_end == m || !wins(m)) continue;  // not a candidate
      std::size_t lose = scan_end, step = 2 * scan, t = lo + step;
      while (t < m && !wins(t)) lose = t, step *= 2, t = lo + step;
      win = std::min(t, m);
      while (win - lose > 1) {
        const std::size_t mid = lose + (win - lose) / 2;
        (wins(mid) ? win : lose) = mid;
      }
    }
    push(j, win);
  }

  PenalizedPartition p;
  std::vector<std::size_t> reversed{m};
  for (std::size_t j = m; j > 0; j = from[j]) reversed.push_back(from[j]);
  p.starts.assign(reversed.rbegin(), reversed.rend());
  for (std::size_t g = 0; g + 1 < p.starts.size(); ++g)
    p.sse += sums.sse(p.starts[g], p.starts[g + 1]);
  return p;
}

}  // namespace quantlab
