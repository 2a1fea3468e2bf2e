#include "importer/SchemaVersions.h"

namespace schedlab {

const std::vector<SchemaVersion>& knownSchemaVersions() {
  // 1.10.x: the heads of airflow/migrations/versions at each tag (1.10.3 to 1.10.6 have two or
  // three heads at once, each a row of alembic_version). 2.x and 3.x: _REVISION_HEADS_MAP in
  // airflow/utils/db.py (2.10.3) and airflow-core/src/airflow/utils/db.py (3.1); a release the
  // map leaves out has the previous entry's head.
  static const std::vector<SchemaVersion> versions = {
      {"9635ae0956e7", "1.10.0–1.10.1", "airflow1.10"},
      {"41f5f12752f8", "1.10.2", "airflow1.10"},
      {"939bb1e647c8", "1.10.3", "airflow1.10"},
      {"a56c9515abdc", "1.10.3–1.10.6", "airflow1.10"},
      {"004c1210f153", "1.10.4–1.10.6", "airflow1.10"},
      {"6e96a59344a4", "1.10.4", "airflow1.10"},
      {"74effc47d867", "1.10.5–1.10.6", "airflow1.10"},
      {"fe461863935f", "1.10.7", "airflow1.10"},
      {"7939bcff74ba", "1.10.8–1.10.9", "airflow1.10"},
      {"952da73b5eff", "1.10.10", "airflow1.10"},
      {"a66efa278eea", "1.10.11", "airflow1.10"},
      {"da3f683c3a5a", "1.10.12", "airflow1.10"},
      {"03afc6b6f902", "1.10.13–1.10.15", "airflow1.10"},
      {"e959f08ac86c", "2.0.0", "airflow2"},
      {"82b7c48c147f", "2.0.1", "airflow2"},
      {"2e42bb497a22", "2.0.2", "airflow2"},
      {"a13f7613ad25", "2.1.0–2.1.2", "airflow2"},
      {"97cdd93827b8", "2.1.3", "airflow2"},
      {"ccde3e26fe78", "2.1.4", "airflow2"},
      {"7b2661a43ba3", "2.2.0–2.2.2", "airflow2"},
      {"be2bfac3da23", "2.2.3", "airflow2"},
      {"587bdf053233", "2.2.4–2.2.5", "airflow2"},
      {"b1b348e02d07", "2.3.0", "airflow2"},
      {"1de7bc13c950", "2.3.1", "airflow2"},
      {"3c94c427fdf6", "2.3.2", "airflow2"},
      {"f5fcbda3e651", "2.3.3–2.3.4", "airflow2"},
      {"ecb43d2a1842", "2.4.0–2.4.1", "airflow2"},
      {"b0d31815b5a6", "2.4.2", "airflow2"},
      {"e07f49787c9d", "2.4.3", "airflow2"},
      {"290244fb8b83", "2.5.0–2.5.3", "airflow2"},
      {"98ae134e6fff", "2.6.0–2.6.1", "airflow2"},
      {"c804e5c76e3e", "2.6.2–2.6.3", "airflow2"},
      {"405de8318b3a", "2.7.0–2.7.3", "airflow2"},
      {"10b52ebd31f7", "2.8.0", "airflow2"},
      {"88344c1d9134", "2.8.1–2.8.4", "airflow2"},
      {"1949afb29106", "2.9.0–2.9.1", "airflow2"},
      {"686269002441", "2.9.2–2.9.3", "airflow2"},
      {"22ed7efa9da2", "2.10.0–2.10.2", "airflow2"},
      {"5f2621c13b39", "2.10.3–2.10.5", "airflow2"},
      {"29ce7909c52b", "3.0.0–3.0.2", "airflow3"},
      {"fe199e1abd77", "3.0.3–3.0.6", "airflow3"},
      {"cc92b33c6709", "3.1", "airflow3"},
  };
  return versions;
}

std::optional<SchemaVersion> schemaVersionOf(const std::string& revision) {
  for (const SchemaVersion& v : knownSchemaVersions())
    if (v.revision == revision) return v;
  return std::nullopt;
}

}  // namespace schedlab
