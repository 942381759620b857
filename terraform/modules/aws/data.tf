# --- Kafka: Amazon MSK, three brokers, replication factor 3, min ISR 2, SASL/SCRAM over TLS ---

resource "aws_msk_configuration" "this" {
  name           = "${var.name_prefix}-kafka"
  kafka_versions = [var.kafka_version]
  server_properties = join("\n", [
    "default.replication.factor=3",
    "min.insync.replicas=2",
    "num.partitions=${var.msk_default_partitions}",
    "auto.create.topics.enable=false",
    "unclean.leader.election.enable=false",
    "offsets.topic.replication.factor=3",
    "transaction.state.log.replication.factor=3",
    "transaction.state.log.min.isr=2",
  ])
}

resource "aws_msk_cluster" "this" {
  cluster_name           = "${var.name_prefix}-kafka"
  kafka_version          = var.kafka_version
  number_of_broker_nodes = var.msk_broker_count

  broker_node_group_info {
    instance_type   = var.msk_instance_type
    client_subnets  = slice(var.private_subnet_ids, 0, 3)
    security_groups = [aws_security_group.data.id]

    storage_info {
      ebs_storage_info {
        volume_size = var.msk_volume_size_gb
      }
    }
  }

  configuration_info {
    arn      = aws_msk_configuration.this.arn
    revision = aws_msk_configuration.this.latest_revision
  }

  client_authentication {
    sasl {
      scram = true
    }
  }

  encryption_info {
    encryption_in_transit {
      client_broker = "TLS"
      in_cluster    = true
    }
  }

  logging_info {
    broker_logs {
      cloudwatch_logs {
        enabled   = true
        log_group = aws_cloudwatch_log_group.msk.name
      }
    }
  }

  tags = local.tags
}

resource "aws_msk_scram_secret_association" "this" {
  cluster_arn     = aws_msk_cluster.this.arn
  secret_arn_list = [var.secret_arns.msk_scram_user]
}

resource "aws_cloudwatch_log_group" "msk" {
  name              = "/careflow/${var.name_prefix}/msk"
  retention_in_days = var.log_retention_days
  tags              = local.tags
}

# --- MongoDB API: Amazon DocumentDB (a replica set: one primary, replicas in other zones) ---

# The master password is read from Secrets Manager at apply time. It is kept in the state (as every database password
# Terraform sets), never in an output: keep the state in an encrypted, access-controlled backend.
data "aws_secretsmanager_secret_version" "docdb_master_password" {
  secret_id = var.secret_arns.docdb_master_password
}

resource "aws_docdb_subnet_group" "this" {
  name       = "${var.name_prefix}-docdb"
  subnet_ids = var.private_subnet_ids
  tags       = local.tags
}

resource "aws_docdb_cluster" "this" {
  cluster_identifier              = "${var.name_prefix}-docdb"
  engine                          = "docdb"
  master_username                 = var.docdb_master_username
  master_password                 = data.aws_secretsmanager_secret_version.docdb_master_password.secret_string
  db_subnet_group_name            = aws_docdb_subnet_group.this.name
  vpc_security_group_ids          = [aws_security_group.data.id]
  storage_encrypted               = true
  backup_retention_period         = 7
  deletion_protection             = true
  skip_final_snapshot             = false
  final_snapshot_identifier       = "${var.name_prefix}-docdb-final"
  enabled_cloudwatch_logs_exports = ["audit"]
  tags                            = local.tags
}

resource "aws_docdb_cluster_instance" "this" {
  count              = var.docdb_instance_count
  identifier         = "${var.name_prefix}-docdb-${count.index + 1}"
  cluster_identifier = aws_docdb_cluster.this.id
  instance_class     = var.docdb_instance_class
  tags               = local.tags
}

# --- PostgreSQL: Amazon RDS with logical replication (Debezium captures the master-data tables) ---

resource "aws_db_subnet_group" "this" {
  name       = "${var.name_prefix}-postgres"
  subnet_ids = var.private_subnet_ids
  tags       = local.tags
}

resource "aws_db_parameter_group" "postgres" {
  name        = "${var.name_prefix}-postgres${var.postgres_version}"
  family      = "postgres${var.postgres_version}"
  description = "careflow: logical replication for Debezium"

  parameter {
    name         = "rds.logical_replication"
    value        = "1"
    apply_method = "pending-reboot"
  }

  parameter {
    name         = "max_replication_slots"
    value        = "10"
    apply_method = "pending-reboot"
  }

  parameter {
    name         = "max_wal_senders"
    value        = "10"
    apply_method = "pending-reboot"
  }

  tags = local.tags
}

# RDS keeps the master password in Secrets Manager itself (manage_master_user_password): it never enters the state.
resource "aws_db_instance" "postgres" {
  identifier                  = "${var.name_prefix}-postgres"
  engine                      = "postgres"
  engine_version              = var.postgres_version
  instance_class              = var.postgres_instance_class
  allocated_storage           = var.postgres_storage_gb
  storage_encrypted           = true
  db_name                     = "careflow"
  username                    = "postgres"
  manage_master_user_password = true
  parameter_group_name        = aws_db_parameter_group.postgres.name
  db_subnet_group_name        = aws_db_subnet_group.this.name
  vpc_security_group_ids      = [aws_security_group.data.id]
  multi_az                    = var.postgres_multi_az
  backup_retention_period     = 7
  deletion_protection         = true
  skip_final_snapshot         = false
  final_snapshot_identifier   = "${var.name_prefix}-postgres-final"
  tags                        = local.tags
}
