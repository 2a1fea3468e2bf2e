// Which Airflow release a metadata database's alembic revision belongs to, and so which table
// layout schedlab reads it with.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace schedlab {

struct SchemaVersion {
  std::string revision;  // alembic_version.version_num
  std::string airflow;   // the release(s) whose head it is, e.g. "2.5.0–2.5.3"
  std::string layout;    // airflow1.10, airflow2 or airflow3
};

// The head revisions schedlab knows (airflow/utils/db.py's _REVISION_HEADS_MAP, and 1.10's
// migration chain).
const std::vector<SchemaVersion>& knownSchemaVersions();

// The release of `revision`; nullopt for one schedlab does not know.
std::optional<SchemaVersion> schemaVersionOf(const std::string& revision);

}  // namespace schedlab
