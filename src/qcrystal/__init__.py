"""qcrystal: re-derive, verify and teach Yukalov's optical-lattice to quantum-crystal paper."""

__version__ = "0.1.0"
