#pragma once
// Command-line overrides of a sweep config, as Hydra writes them: `bits=2,3`, `seeds=0..4`,
// `datasets.gaussian.synthetic.n=1000000`, `algorithms.kmeans.n_init=5`, `name=try2`,
// `~description` (removes the key). Applied to the config's YAML tree before it is read, so
// the same schema validates them; the effective config is what the records store.
#include <string>
#include <vector>

namespace YAML {
class Node;
}

namespace quantlab {

/// Applies each override in turn to `root` (a config's mapping). A path is keys separated by
/// dots; inside `datasets` and `algorithms` a part names an entry (an algorithm by its label,
/// a bare entry's being its name, else by its name). A value is a YAML scalar, a comma list
/// (`2,3`), an integer range (`0..4`, ends included) or a YAML flow collection (`[a, b]`, `{k:
/// v}`). Setting `bits` removes `levels` and the reverse. Throws ConfigError naming the override
/// when its path does not resolve.
void apply_overrides(YAML::Node& root, const std::vector<std::string>& overrides);

}  // namespace quantlab
