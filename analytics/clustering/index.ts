/**
 * @module analytics/clustering
 * Day clustering: k-means on z-normalised daily glucose profiles, k by silhouette, named clusters
 * and the lifestyle features that differ between them (Mann–Whitney U, Benjamini–Hochberg).
 */
export { kMeans, meanSilhouette, seededRandom, type KMeansResult } from "./kmeans.ts";
export { mannWhitney, erfc, type MannWhitneyResult } from "./mann-whitney.ts";
export { clusterDays, zNormalize, type ClusterDay, type ClusterFeature, type DayCluster, type DayClustering, type DayClusterOptions } from "./day-clusters.ts";
