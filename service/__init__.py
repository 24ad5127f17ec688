"""Purbalingga Juara: the registry of achievements of Kabupaten Purbalingga."""
