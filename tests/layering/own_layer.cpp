// Compiled against the algorithms layer's include root: its own headers are found.
#include "algorithms/registry.hpp"
