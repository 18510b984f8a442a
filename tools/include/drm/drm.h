/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * drm/drm.h for the user-space tools: include/uapi/drm/vwddm_drm.h
 * includes <drm/drm.h>, which Debian ships with libdrm-dev as
 * /usr/include/libdrm/drm.h (`pkg-config --cflags libdrm`), not under
 * /usr/include/drm/.
 */
#ifndef VWDDM_TOOLS_DRM_SHIM_H
#define VWDDM_TOOLS_DRM_SHIM_H
#include <libdrm/drm.h>
#endif
