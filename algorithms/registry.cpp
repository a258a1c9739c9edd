#include "algorithms/registry.hpp"

#include "algorithms/ecsq.hpp"
#include "algorithms/fixed_codebook.hpp"
#include "algorithms/kashin.hpp"
#include "algorithms/kmeans.hpp"
#include "algorithms/least_squares_binary.hpp"
#include "algorithms/optimal.hpp"
#include "algorithms/sparse_least_squares.hpp"
#include "algorithms/uniform.hpp"

namespace quantlab {

namespace {

// Two-valued options read as booleans: one table for the declaration and the conversion.
constexpr OptionName<bool> compat_names[] = {{false, "none"}, {true, "apple"}};
constexpr OptionName<bool> unique_rows_names[] = {{false, "weighted"}, {true, "unique"}};
constexpr OptionName<bool> dense_solver_names[] = {{false, "exact"}, {true, "dense"}};
constexpr OptionName<bool> fail_names[] = {{false, "quantize"}, {true, "fail"}};

std::function<std::string(std::size_t)> exactly(std::size_t levels) {
  return [levels](std::size_t K) {
    return K == levels ? std::string()
                       : "takes exactly K = " + std::to_string(levels) + " levels, not " +
                             std::to_string(K);
  };
}

AlgorithmInfo binary_method(std::string name, BinaryMethod method, std::string summary,
                            std::string reference, bool has_compat,
                            std::function<std::string(std::size_t)> rule) {
  std::vector<ParameterSpec> parameters;
  if (has_compat) {
    parameters.push_back(option_parameter(
        "compat", false, compat_names, "apple: the published code's data-value candidates for v1"));
    parameters.push_back(integer_parameter("skip", 3, 1, 1000000,
                                           "compat apple: search v1 on every skip-th element"));
  }
  return {std::move(name),
          std::move(summary),
          std::move(reference),
          false,
          std::move(parameters),
          [method, has_compat](const Parameters& p) {
            const bool apple = has_compat && p.option("compat", compat_names);
            const std::size_t skip = has_compat ? static_cast<std::size_t>(p.integer("skip")) : 1;
            return std::make_unique<LeastSquaresBinaryQuantizer>(method, apple, skip);
          },
          std::move(rule),
          {},
          {diagnostic_output("scales", "value", "the k scales of the expansion, per group")}};
}

AlgorithmInfo sparse_method(std::string name, SparseLeastSquaresQuantizer::Penalty penalty,
                            std::string summary, std::string reference) {
  using Penalty = SparseLeastSquaresQuantizer::Penalty;
  std::vector<ParameterSpec> parameters{
      real_parameter("lambda", 0, 0, 1e300,
                     "penalty weight λ (0: search λ for the sweep's K levels)"),
      option_parameter("rows", false, unique_rows_names,
                       "weighted: each distinct value counts its multiplicity (the loss is "
                       "‖x − x̂‖²); unique: every distinct value once")};
  if (penalty != Penalty::cluster)
    parameters.push_back(
        boolean_parameter("refit", false, "replace every level by its group's mean"));
  if (penalty == Penalty::l1)
    parameters.push_back(option_parameter("solver", false, dense_solver_names,
                                          "exact: O(m) isotonic regression; dense: coordinate "
                                          "descent on the explicit m × m design"));
  if (penalty == Penalty::l1l2)
    parameters.push_back(option_parameter("solver", false, dense_solver_names,
                                          "exact: active set on the fused groups, O(m) a round "
                                          "(iterations = rounds); dense: coordinate descent on the "
                                          "explicit m × m design"));
  if (penalty == Penalty::l1l2)
    parameters.push_back(real_parameter("lambda2", 0.1, 0, 1e300, "weight of the l2 fusion term"));
  if (penalty == Penalty::l1l2 || penalty == Penalty::l1) {
    parameters.push_back(real_parameter(
        "tol", 1e-12, 0, 1, "solver dense: stop when no β_j moves more than tol × the range"));
    parameters.push_back(
        integer_parameter("max_sweeps", 10000, 1, 100000000,
                          "solver dense: most sweeps per solve (then: not converged)"));
  }
  std::vector<OutputSpec> outputs{
      scalar_output("lambda", Combine::per_group, "",
                    "the penalty weight λ used (searched for K when lambda is 0)"),
      scalar_output("solves", Combine::sum, "", "programmes solved (the λ search's steps)"),
      scalar_output("beta_nonzeros", Combine::sum, "", "non-zero entries of β̂"),
      diagnostic_output("beta_first", "value", "β̂_1: the lowest level"),
      diagnostic_output("beta_gaps", "value", "the non-zero β̂_j, j > 1: gaps between levels")};
  if (penalty == Penalty::cluster)
    outputs.push_back(scalar_output("initial_sse", Combine::sum, "value²",
                                    "SSE of the l1 groups that k-means starts from"));
  return {std::move(name),
          std::move(summary),
          std::move(reference),
          false,
          std::move(parameters),
          [penalty](const Parameters& p) {
            const auto& v = p.values();
            return std::make_unique<SparseLeastSquaresQuantizer>(
                penalty, p.real("lambda"), p.option("rows", unique_rows_names),
                v.count("refit") ? p.boolean("refit") : false,
                v.count("lambda2") ? p.real("lambda2") : 0.0,
                v.count("solver") ? p.option("solver", dense_solver_names) : false,
                v.count("tol") ? p.real("tol") : 1e-12,
                v.count("max_sweeps") ? static_cast<std::size_t>(p.integer("max_sweeps")) : 10000);
          },
          {},
          {},
          std::move(outputs)};
}

}  // namespace

const std::vector<AlgorithmInfo>& algorithms() {
  static const std::vector<AlgorithmInfo> all = {
      {"uniform",
       "K equally spaced levels, each value rounded to the nearest",
       "00-baselines.md (uniform); centroid reconstruction: paper 5, section 4",
       false,
       {option_parameter("mode", UniformMode::minmax, uniform_modes,
                         "how the step and centre of the grid are chosen"),
        option_parameter("reconstruction", UniformReconstruction::grid, uniform_reconstructions,
                         "grid levels, or the weighted mean of each bin"),
        real_parameter("clip", 0, 0, 1e300,
                       "symmetric mode: clipping value A (0: the largest magnitude)")},
       [](const Parameters& p) {
         return std::make_unique<UniformQuantizer>(
             p.option("mode", uniform_modes), p.option("reconstruction", uniform_reconstructions),
             p.real("clip"));
       },
       {},
       {},
       {scalar_output("step", Combine::per_group, "value", "the grid's step"),
        scalar_output("center", Combine::per_group, "value", "the grid's centre")}},
      {"kmeans",
       "Lloyd's k-means on sorted data (O(K log n) per iteration)",
       "00-baselines.md (k-means); weights: paper 5 eq. (8)",
       true,
       {option_parameter("init", KmeansInit::kmeanspp, kmeans_inits, "starting centroids"),
        integer_parameter("n_init", 1, 1, 10000, "restarts; the least SSE is kept"),
        integer_parameter("max_iter", 300, 1, 1000000, "most update steps per restart"),
        real_parameter("tol", 0, 0, 1,
                       "stop when the relative SSE decrease is at most tol (0: only when "
                       "assignments repeat)")},
       [](const Parameters& p) {
         return std::make_unique<KmeansQuantizer>(
             p.option("init", kmeans_inits), static_cast<std::size_t>(p.integer("n_init")),
             static_cast<std::size_t>(p.integer("max_iter")), p.real("tol"));
       },
       {},
       {},
       {scalar_output("empty_cluster_reseeds", Combine::sum, "",
                      "clusters left empty by an update and reseeded"),
        scalar_output("restarts", Combine::max, "", "restarts run (n_init)"),
        scalar_output("total_iterations", Combine::sum, "", "update steps over all restarts")}},
      {"optimal",
       "exact optimal K-level quantizer (dynamic programme on the distinct values)",
       "00-baselines.md (exact optimal 1-D quantizer); Wang & Song 2011; Gronlund et al. 2017",
       false,
       {real_parameter("max_memory_mb", 2048, 1, 1e7,
                       "fail clearly instead of using more backtracking memory than this")},
       [](const Parameters& p) {
         return std::make_unique<OptimalQuantizer>(p.real("max_memory_mb"));
       },
       {},
       {},
       {scalar_output("distinct_values", Combine::sum, "",
                      "distinct values the programme ran on")}},
      {"ecsq_uniform",
       "entropy-constrained uniform quantizer: bins of width step around 0, bin-mean levels, "
       "at most K bins",
       "paper 5, section 4 (uniform quantization, Gish & Pierce 1968)",
       false,
       {real_parameter("step", 0, 0, 1e300,
                       "bin width (0: the least width whose entropy is at most rate)"),
        real_parameter("rate", 0, 0, 64, "target entropy in bits per value, with step 0")},
       [](const Parameters& p) {
         return std::make_unique<UniformEcsqQuantizer>(p.real("step"), p.real("rate"));
       },
       {},
       [](const Parameters& p) {
         return p.real("step") > 0 || p.real("rate") > 0
                    ? std::string()
                    : "ecsq_uniform needs a step or a rate (both are 0)";
       },
       {scalar_output("step", Combine::per_group, "value", "the bin width used"),
        scalar_output("entropy", Combine::size_weighted_mean, "bits/value",
                      "entropy of the bin frequencies")}},
      {"ecsq",
       "iterative entropy-constrained quantizer minimising D + λH from K grid levels",
       "paper 5, section 4 (iterative ECSQ; Chou, Lookabaugh, Gray 1989)",
       false,
       {real_parameter("lambda", 0, 0, 1e300, "Lagrange multiplier λ (with rate 0)"),
        real_parameter("rate", 0, 0, 64, "target entropy in bits per value: λ is searched"),
        integer_parameter("max_iter", 200, 1, 1000000, "most iterations per λ")},
       [](const Parameters& p) {
         return std::make_unique<IterativeEcsqQuantizer>(
             p.real("lambda"), p.real("rate"), static_cast<std::size_t>(p.integer("max_iter")));
       },
       {},
       {},
       {scalar_output("lambda", Combine::per_group, "", "the Lagrange multiplier λ used"),
        scalar_output("entropy", Combine::size_weighted_mean, "bits/value",
                      "entropy of the level frequencies")}},
      sparse_method("sparse_l1", SparseLeastSquaresQuantizer::Penalty::l1,
                    "sparse least squares with an l1 penalty (1-D total variation), exact in O(m)",
                    "paper 1, l1 quantizer (weighted TV denoising of the sorted values)"),
      sparse_method(
          "sparse_l1l2", SparseLeastSquaresQuantizer::Penalty::l1l2,
          "sparse least squares with l1 + l2 fusion penalties, exact by an active-set method",
          "paper 1, l1 + l2 (elastic net) quantizer"),
      sparse_method("sparse_cluster", SparseLeastSquaresQuantizer::Penalty::cluster,
                    "k-means started from the groups of the l1 solution with K levels (no seed)",
                    "paper 1, clustering-based method"),
      sparse_method("sparse_l0", SparseLeastSquaresQuantizer::Penalty::l0,
                    "sparse least squares with an l0 penalty, exact by the penalised programme",
                    "paper 1, l0 quantizer (00-baselines.md, penalised form)"),
      binary_method("ls1", BinaryMethod::ls1, "optimal 1-bit: bsign(x) scaled by mean |x|",
                    "paper 2, LS-1 (eq. 8 with k = 1)", false, exactly(2)),
      binary_method("gf", BinaryMethod::gf,
                    "greedy foldable k-bit expansion: scale and sign the residual k times",
                    "paper 2, GF (eq. 9)", false,
                    [](std::size_t K) {
                      return K >= 2 && (K & (K - 1)) == 0
                                 ? std::string()
                                 : "gf takes K = 2^k levels (k bits), not " + std::to_string(K);
                    }),
      binary_method("ls2", BinaryMethod::ls2,
                    "optimal 2-bit scaled binary: exact 2-means of |x| by a split scan",
                    "paper 2, LS-2 (eq. 8 with k = 2)", true, exactly(4)),
      binary_method("lsT", BinaryMethod::lsT, "optimal ternary {-c, 0, c}: exact split scan of |x|",
                    "paper 2, LS-T", true, exactly(3)),
      {"sign",
       "fixed codebook {-1, +1}: the sign of each value",
       "paper 4, fixed codebook {−1, +1}",
       false,
       {},
       [](const Parameters&) {
         return std::make_unique<FixedCodebookQuantizer>(FixedCodebookQuantizer::Codebook::sign, 0);
       },
       exactly(2),
       {},
       {}},
      {"powers_of_two",
       "fixed codebook {0, ±2^e}: (K - 1)/2 exponents up to e_max, the nearest codeword",
       "paper 4, powers of two (sign(v)·2^⌊log2(4|v|/3)⌋, clipped; 0 below 2^(e_min − 1))",
       false,
       {integer_parameter("e_max", 0, -1000, 1000, "the largest exponent")},
       [](const Parameters& p) {
         return std::make_unique<FixedCodebookQuantizer>(
             FixedCodebookQuantizer::Codebook::powers_of_two, static_cast<int>(p.integer("e_max")));
       },
       [](std::size_t K) {
         return K >= 3 && K % 2 == 1
                    ? std::string()
                    : "powers_of_two takes an odd K >= 3 (0 and (K - 1)/2 powers a sign), not " +
                          std::to_string(K);
       },
       {},
       {}},
      {"kashin",
       "Kashin decomposition x ≈ u + Qᵀv (flat factors), then the factors quantized",
       "paper 3, greedy decomposition and 2-D k-means of the (u, v) pairs",
       true,
       {option_parameter("transform", TransformKind::dct, transform_kinds,
                         "Q: orthonormal DCT-II (FFTW), Haar random (QR, from the seed), or "
                         "random signs + Walsh–Hadamard (power-of-two sizes)"),
        option_parameter("form", KashinForm::matrix, kashin_forms,
                         "matrix: Kronecker Q = Q2 ⊗ Q1, greedy steps; columns: each column "
                         "alone, alternating two u and two v steps"),
        choice_parameter("factors", "kmeans2d",
                         {"kmeans2d", "optimal", "kmeans", "uniform", "sparse_l1", "sparse_l1l2",
                          "sparse_cluster", "sparse_l0"},
                         "kmeans2d: K centroids of the (u, v) pairs; else that 1-D quantizer on "
                         "u and v, with ⌈b/2⌉ and ⌊b/2⌋ bits for K = 2^b"),
        real_parameter("tol", 1e-4, 0, 1, "stop when ‖r‖ ≤ tol ‖x‖"),
        integer_parameter("max_iter", 200, 1, 1000000, "most decomposition steps"),
        option_parameter("on_nonconvergence", false, fail_names,
                         "quantize the factors reached (recorded: converged = 0) or fail the run"),
        integer_parameter("n_init", 1, 1, 10000, "kmeans2d restarts; the least SSE is kept")},
       [](const Parameters& p) {
         // A 1-D factor quantizer is the registered one with its default parameters.
         const std::string& factors = p.choice("factors");
         std::shared_ptr<const Quantizer> factor_quantizer;
         if (factors != "kmeans2d") {
           const AlgorithmInfo* info = find_algorithm(factors);
           factor_quantizer = info->make(Parameters(info->parameters, {}));
         }
         return std::make_unique<KashinQuantizer>(p.option("transform", transform_kinds),
                                                  p.option("form", kashin_forms),
                                                  std::move(factor_quantizer), p.real("tol"),
                                                  static_cast<std::size_t>(p.integer("max_iter")),
                                                  p.option("on_nonconvergence", fail_names),
                                                  static_cast<std::size_t>(p.integer("n_init")));
       },
       {},
       {},
       {timing_output("decomposition_s", "wall time of the Kashin decomposition"),
        timing_output("quantization_s", "wall time of quantizing the factors"),
        scalar_output("residual", Combine::per_group, "", "‖r‖/‖x‖ when the decomposition stopped"),
        scalar_output("u_steps", Combine::sum, "", "decomposition steps on u"),
        scalar_output("v_steps", Combine::sum, "", "decomposition steps on v"),
        scalar_output("nonconverged", Combine::sum, "",
                      "groups whose decomposition did not reach tol"),
        scalar_output("kmeans_iterations", Combine::sum, "",
                      "factors kmeans2d: Lloyd steps of the 2-D k-means"),
        diagnostic_output("residuals", "", "‖r‖/‖x‖ after each decomposition step"),
        histogram_output("u", "value", "the factor u at the tensor's scale"),
        histogram_output("v", "value", "the factor v at the tensor's scale")}},
  };
  return all;
}

const AlgorithmInfo* find_algorithm(const std::string& name) {
  for (const auto& a : algorithms())
    if (a.name == name) return &a;
  return nullptr;
}

std::string rule_violation(const AlgorithmInfo& info, const Parameters& parameters, std::size_t K) {
  if (info.levels_rule)
    if (std::string why = info.levels_rule(K); !why.empty()) return why;
  if (info.parameters_rule) return info.parameters_rule(parameters);
  return "";
}

std::string algorithm_names() {
  std::string names;
  for (const auto& a : algorithms()) names += (names.empty() ? "" : ", ") + a.name;
  return names;
}

}  // namespace quantlab
