"""„Śremski Przyjaciel Seniora”: personal passes for people 60+, partner venues, redemptions."""
