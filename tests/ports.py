"""Ports for the servers tests start in child processes: the bench's choice, below the
kernel's ephemeral range, so that a test's own client connections cannot take a port
between its choice and the child's bind (see privacy_pdp.assurance.bench.servers)."""

from privacy_pdp.assurance.bench.servers import free_port

__all__ = ["free_port"]
