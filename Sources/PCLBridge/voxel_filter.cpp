#include "PCLBridge.h"

#include <pcl/filters/voxel_grid.h>
#include <pcl/point_types.h>

extern "C" v2x_pcl_status v2x_pcl_voxel_filter(const float *xyz, int64_t count, float leaf_size,
                                               float *out_xyz, int64_t out_capacity,
                                               int64_t *out_count) {
    if (count < 0 || (count > 0 && xyz == nullptr) || out_count == nullptr || !(leaf_size > 0.0f)) {
        return V2X_PCL_INVALID_ARGUMENT;
    }
    try {
        pcl::PointCloud<pcl::PointXYZ>::Ptr input(new pcl::PointCloud<pcl::PointXYZ>);
        input->resize(static_cast<size_t>(count));
        for (int64_t i = 0; i < count; ++i) {
            (*input)[i] = pcl::PointXYZ(xyz[3 * i], xyz[3 * i + 1], xyz[3 * i + 2]);
        }
        pcl::PointCloud<pcl::PointXYZ> filtered;
        pcl::VoxelGrid<pcl::PointXYZ> grid;
        grid.setInputCloud(input);
        grid.setLeafSize(leaf_size, leaf_size, leaf_size);
        grid.filter(filtered);
        const int64_t n = static_cast<int64_t>(filtered.size());
        *out_count = n;
        if (n > out_capacity || (n > 0 && out_xyz == nullptr)) {
            return V2X_PCL_CAPACITY_TOO_SMALL;
        }
        for (int64_t i = 0; i < n; ++i) {
            out_xyz[3 * i] = filtered[i].x;
            out_xyz[3 * i + 1] = filtered[i].y;
            out_xyz[3 * i + 2] = filtered[i].z;
        }
        return V2X_PCL_OK;
    } catch (...) {
        return V2X_PCL_INTERNAL_ERROR;
    }
}
