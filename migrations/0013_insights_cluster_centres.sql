-- A cluster's centre in the normalised feature space (log1p then z-score with the run's mean/sd,
-- features in the order of insight_cluster_runs.features->'names'). The segment condition
-- "in cluster X" classifies a customer's current figures by the nearest centre of X's run, so a
-- saved cluster keeps meaning the same region after later runs (see src/insights/conditions.ts).
-- Runs stored before this column have no centres; their clusters cannot be used in rules.
alter table insight_clusters add column center double precision[];
