#pragma once
// Temporary files: every writer builds its file under a fresh name beside the final path and
// renames it into place, so readers never see a partial file. A writer killed before its
// rename leaves its temporary file behind; the next writer in that folder removes it.
#include <string>

namespace quantlab {

/// path + ".tmp.<host>.<pid namespace>.<pid>." + 64 random bits: a name no other writer uses,
/// and from which a later writer on the same host and in the same pid namespace can tell
/// whether its writer is still alive.
std::string temporary_path(const std::string& path);

/// Marks the open temporary file `fd` as in use for as long as it stays open (an OFD lock,
/// which the kernel releases when the process dies, whatever its namespace or host).
/// Returns false where the file system has no locks; the file's age then protects it.
bool hold_temporary(int fd);

/// Removes the temporary files in `folder` that no live writer holds: a file is kept while
/// its lock is held; an unlocked one is removed when its writer (same host and pid namespace)
/// is gone, or, when its writer is in another container or on another host, when it is older
/// than a minute (a writer takes its lock at once). Files appear only by rename,
/// so a temporary file is never read.
void remove_dead_temporaries(const std::string& folder);

}  // namespace quantlab
