"""The provider's register of attendance and its weekly or half-termly returns to the LA."""
