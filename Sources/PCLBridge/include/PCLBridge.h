// PCLBridge: a small extern "C" surface over the Point Cloud Library.
// Every function is prefixed `v2x_pcl_`, takes plain arrays and returns a status;
// on failure nothing is written past the capacities given.
#ifndef V2X_PCL_BRIDGE_H
#define V2X_PCL_BRIDGE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Status codes returned by the bridge.
typedef enum {
    V2X_PCL_OK = 0,
    V2X_PCL_INVALID_ARGUMENT = 1,
    V2X_PCL_CAPACITY_TOO_SMALL = 2,
    V2X_PCL_INTERNAL_ERROR = 3,
} v2x_pcl_status;

/// Voxel-grid downsampling (pcl::VoxelGrid): replaces the points in each cubic voxel of
/// edge `leaf_size` metres by their centroid.
///
/// `xyz` holds `count` points as x0 y0 z0 x1 y1 z1 …; `out_xyz` has room for
/// `out_capacity` points. On success `*out_count` is the number of points written.
v2x_pcl_status v2x_pcl_voxel_filter(const float *xyz, int64_t count, float leaf_size,
                                    float *out_xyz, int64_t out_capacity, int64_t *out_count);

#ifdef __cplusplus
}
#endif

#endif
