#include "algorithms/outputs.hpp"

namespace quantlab {

const char* combine_name(Combine combine) {
  switch (combine) {
    case Combine::none:
      return "—";
    case Combine::sum:
      return "sum";
    case Combine::max:
      return "max";
    case Combine::min:
      return "min";
    case Combine::size_weighted_mean:
      return "size-weighted mean";
    case Combine::per_group:
      return "per group";
    case Combine::concatenate:
      return "concatenated";
  }
  return "?";
}

const OutputSpec* find_output(const std::vector<OutputSpec>& outputs, const std::string& name,
                              OutputKind kind) {
  for (const auto& o : outputs)
    if (o.name == name && o.kind == kind) return &o;
  return nullptr;
}

}  // namespace quantlab
