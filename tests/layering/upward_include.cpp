// Compiled against the algorithms layer's include root: a header of a higher layer is not
// found, so an algorithm that reached into datasets/ would fail the build.
#include "datasets/tensor.hpp"
