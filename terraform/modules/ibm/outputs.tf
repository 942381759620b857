# No output carries a secret: credentials stay in the Code Engine secret and the state.

output "public_urls" {
  description = "Public URL of each careflow app."
  value       = { for app, a in ibm_code_engine_app.app : app => a.endpoint }
}

output "registry_url" {
  description = "Schema registry URL inside the Code Engine project."
  value       = local.registry_url
}

output "connect_url" {
  description = "Kafka Connect REST URL inside the Code Engine project (apply the connectors with ./careflow connectors apply --connect-url ...)."
  value       = ibm_code_engine_app.connect.endpoint_internal
}

output "postgres_host" {
  description = "Databases for PostgreSQL private host name."
  value       = data.ibm_database_connection.postgres.postgres[0].hosts[0].hostname
}

output "code_engine_project_id" {
  description = "Code Engine project running careflow's apps."
  value       = ibm_code_engine_project.this.project_id
}
