output "load_balancer_dns_name" {
  description = "Point every app's host name at this."
  value       = module.careflow.load_balancer_dns_name
}

output "public_urls" {
  description = "URL of each public app."
  value       = module.careflow.public_urls
}

output "kafka_bootstrap_brokers" {
  description = "MSK bootstrap brokers (SASL/SCRAM over TLS)."
  value       = module.careflow.kafka_bootstrap_brokers
}

output "connect_url" {
  description = "Kafka Connect REST URL inside the VPC."
  value       = module.careflow.connect_url
}

output "postgres_endpoint" {
  description = "RDS PostgreSQL host:port."
  value       = module.careflow.postgres_endpoint
}

output "documentdb_endpoint" {
  description = "DocumentDB cluster endpoint."
  value       = module.careflow.documentdb_endpoint
}
