# No output carries a secret: database passwords stay in Secrets Manager.

output "load_balancer_dns_name" {
  description = "DNS name of the load balancer: point <prefix>.<domain_name> of every public app at it (CNAME or alias)."
  value       = aws_lb.this.dns_name
}

output "public_urls" {
  description = "URL of each public app."
  value       = { for app, host in local.public_hosts : app => "https://${host}.${var.domain_name}" }
}

output "kafka_bootstrap_brokers" {
  description = "MSK bootstrap brokers (SASL/SCRAM over TLS, port 9096)."
  value       = aws_msk_cluster.this.bootstrap_brokers_sasl_scram
}

output "registry_url" {
  description = "Schema registry URL inside the VPC."
  value       = local.registry_url
}

output "connect_url" {
  description = "Kafka Connect REST URL inside the VPC (apply the connectors with ./careflow connectors apply --connect-url ...)."
  value       = "http://connect.${local.internal_domain}:8083"
}

output "postgres_endpoint" {
  description = "RDS PostgreSQL host:port."
  value       = aws_db_instance.postgres.endpoint
}

output "postgres_master_secret_arn" {
  description = "ARN of the Secrets Manager secret RDS keeps the master password in (the ARN only, not the password)."
  value       = aws_db_instance.postgres.master_user_secret[0].secret_arn
}

output "documentdb_endpoint" {
  description = "DocumentDB cluster endpoint (connect with replicaSet=rs0, TLS, and the master user or a user you create)."
  value       = aws_docdb_cluster.this.endpoint
}

output "ecs_cluster_name" {
  description = "ECS cluster running careflow's services."
  value       = aws_ecs_cluster.this.name
}
