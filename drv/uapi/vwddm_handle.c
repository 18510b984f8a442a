// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_handle.c - a file's handle namespaces (its contexts, its
 * allocations): an allocating xarray per namespace, handles from 1.
 *
 * A create reserves its handle first, gives it to the caller, and only
 * then puts the object behind it, so that an argument the kernel cannot
 * write back leaves nothing behind. Until then the handle is reserved:
 * invisible to every other thread of the file. A lookup finds nothing
 * behind it, and a destroy of it is -ENOENT and leaves the reservation
 * alone: only the thread that reserved a handle fills or releases it.
 *
 * Locking: the xarray's own lock (xa_lock()); a lookup that keeps the
 * object takes its reference under that lock.
 */
#include <linux/bug.h>
#include <linux/xarray.h>

#include "vwddm_drv.h"
#include "../base/vwddm_compat.h"

/**
 * vwddm_handle_reserve() - reserve a free handle
 * @xa: the namespace (XA_FLAGS_ALLOC1)
 * @handle: set to the handle, 1..@max
 * @max: the highest handle
 *
 * Context: process context; may sleep.
 * Return: 0, -ENOSPC (every handle taken or reserved) or -ENOMEM.
 */
int vwddm_handle_reserve(struct xarray *xa, u32 *handle, u32 max)
{
	int ret = xa_alloc(xa, handle, NULL, XA_LIMIT(1, max), GFP_KERNEL);

	return ret == -EBUSY ? -ENOSPC : ret;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_handle_reserve);

/**
 * vwddm_handle_fill() - put an object behind a reserved handle
 * @xa: the namespace
 * @handle: a handle this thread reserved
 * @entry: the object; from now on other threads find it
 *
 * Cannot fail: the reservation holds the slot, and nobody else takes it.
 */
void vwddm_handle_fill(struct xarray *xa, u32 handle, void *entry)
{
	XA_STATE(xas, xa, handle);

	xas_lock(&xas);
	WARN_ON_ONCE(!xa_is_zero(xas_load(&xas)));
	xas_store(&xas, entry);
	xas_unlock(&xas);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_handle_fill);

/**
 * vwddm_handle_release() - give back a handle reserved and never filled
 * @xa: the namespace
 * @handle: the handle
 */
void vwddm_handle_release(struct xarray *xa, u32 handle)
{
	xa_release(xa, handle);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_handle_release);

/**
 * vwddm_handle_take() - take the object behind a handle out of the
 *	namespace (a destroy)
 * @xa: the namespace
 * @handle: any number from user space
 *
 * A reserved handle is not there yet: it is left to the thread that
 * reserved it (xa_erase() would release the reservation under it).
 *
 * Return: the object, whose reference the namespace held, or NULL (no
 * such handle, or one still reserved).
 */
void *vwddm_handle_take(struct xarray *xa, u32 handle)
{
	XA_STATE(xas, xa, handle);
	void *entry;

	xas_lock(&xas);
	entry = xas_load(&xas);
	if (entry && !xa_is_zero(entry))
		xas_store(&xas, NULL);
	else
		entry = NULL;
	xas_unlock(&xas);
	return entry;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_handle_take);
