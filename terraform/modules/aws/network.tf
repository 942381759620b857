resource "aws_security_group" "alb" {
  name        = "${var.name_prefix}-alb"
  description = "careflow load balancer: HTTPS from the allowed networks"
  vpc_id      = var.vpc_id
  tags        = local.tags
}

resource "aws_vpc_security_group_ingress_rule" "alb_https" {
  for_each          = toset(var.allowed_ingress_cidrs)
  security_group_id = aws_security_group.alb.id
  description       = "HTTPS"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = each.value
}

resource "aws_vpc_security_group_egress_rule" "alb_to_services" {
  security_group_id            = aws_security_group.alb.id
  description                  = "to the services"
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  referenced_security_group_id = aws_security_group.services.id
}

resource "aws_security_group" "services" {
  name        = "${var.name_prefix}-services"
  description = "careflow ECS services"
  vpc_id      = var.vpc_id
  tags        = local.tags
}

resource "aws_vpc_security_group_ingress_rule" "services_from_alb" {
  security_group_id            = aws_security_group.services.id
  description                  = "HTTP from the load balancer"
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  referenced_security_group_id = aws_security_group.alb.id
}

# Instances forward interactive queries to each other, reach the registry and Connect's REST API.
resource "aws_vpc_security_group_ingress_rule" "services_from_services" {
  security_group_id            = aws_security_group.services.id
  description                  = "careflow services to each other (query forwarding, registry, Connect)"
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8083
  referenced_security_group_id = aws_security_group.services.id
}

resource "aws_vpc_security_group_egress_rule" "services_all" {
  security_group_id = aws_security_group.services.id
  description       = "images, identity provider JWKS, WhatsApp Cloud API, AWS APIs"
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_security_group" "data" {
  name        = "${var.name_prefix}-data"
  description = "careflow MSK, DocumentDB and PostgreSQL: reachable from the services only"
  vpc_id      = var.vpc_id
  tags        = local.tags
}

resource "aws_vpc_security_group_ingress_rule" "data_from_services" {
  for_each = {
    kafka_sasl_scram = 9096
    documentdb       = 27017
    postgres         = 5432
  }
  security_group_id            = aws_security_group.data.id
  description                  = each.key
  ip_protocol                  = "tcp"
  from_port                    = each.value
  to_port                      = each.value
  referenced_security_group_id = aws_security_group.services.id
}

resource "aws_service_discovery_private_dns_namespace" "internal" {
  name        = local.internal_domain
  description = "careflow services that other services call: registry, connect"
  vpc         = var.vpc_id
  tags        = local.tags
}
