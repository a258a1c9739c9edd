#pragma once
// A file named inside a model's files (a TF.js manifest's shard paths) resolved within the
// model's folder: a hostile manifest must not make the importer read /etc/passwd, ../x, a
// symlink pointing elsewhere, or /dev/zero.
#include <algorithm>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>

namespace quantlab {

/// `folder`/`name` with every symlink resolved; throws std::runtime_error "<what> ..." when
/// `name` is empty or absolute, or when the resolved path is not strictly inside `folder`
/// (a `..` component or a symlink that leaves it). The file need not exist.
inline std::filesystem::path resolve_inside(const std::filesystem::path& folder,
                                            const std::string& name, const std::string& what) {
  namespace fs = std::filesystem;
  const fs::path relative(name);
  if (name.empty()) throw std::runtime_error(what + " is an empty path");
  if (relative.has_root_path())
    throw std::runtime_error(what + " is an absolute path; only files beside it are read");
  std::error_code error;
  fs::path base = fs::weakly_canonical(folder.empty() ? fs::path(".") : folder, error);
  if (error)
    throw std::runtime_error(what + ": cannot resolve its folder (" + error.message() + ")");
  if (!base.has_filename()) base = base.parent_path();  // "/a/b/" -> "/a/b"
  // weakly_canonical follows every symlink that exists, so a link pointing out of the folder
  // resolves to where it points and fails the prefix check below.
  const fs::path full = fs::weakly_canonical(base / relative, error);
  if (error) throw std::runtime_error(what + ": cannot resolve it (" + error.message() + ")");
  const auto [in_base, in_full] = std::mismatch(base.begin(), base.end(), full.begin(), full.end());
  if (in_base != base.end())
    throw std::runtime_error(what + " leads out of the folder " + base.string());
  if (in_full == full.end()) throw std::runtime_error(what + " names the folder itself");
  return full;
}

}  // namespace quantlab
