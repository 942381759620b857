output "public_urls" {
  description = "Public URL of each careflow app."
  value       = module.careflow.public_urls
}

output "connect_url" {
  description = "Kafka Connect REST URL inside the Code Engine project."
  value       = module.careflow.connect_url
}

output "postgres_host" {
  description = "Databases for PostgreSQL private host name."
  value       = module.careflow.postgres_host
}
