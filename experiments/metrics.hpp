#pragma once
// The common metrics of ../shared/papers/README.md, the same for every algorithm.
#include <armadillo>
#include <map>
#include <string>
#include <vector>

namespace quantlab {

/// sse, mse (weighted; `w` empty = unit weights), rel_sse, sqnr_db, max_abs_err (unweighted).
std::map<std::string, double> error_metrics(const arma::vec& x, const arma::vec& w,
                                            const arma::vec& reconstruction);

/// arma::var(x, 1) (divided by n) given `mean` = arma::mean(x): Armadillo's own sums in its
/// own order, bit for bit, without the pass over x it makes to find the mean again.
double variance_about(const arma::vec& x, double mean);

/// -Σ p log2 p over the frequencies of `counts` (zero counts ignored).
double entropy_bits(const std::vector<double>& counts);

double median(std::vector<double> values);

/// Counts of `values` in `bins` equal-width bins over [min, max] (the last bin closed);
/// edges has bins + 1 entries. Equal values give one bin [v, v]; no values, no bins.
struct Histogram {
  std::vector<double> edges, counts;
};
Histogram histogram(const std::vector<double>& values, std::size_t bins);

}  // namespace quantlab
