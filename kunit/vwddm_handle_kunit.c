// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_handle_kunit.c - a file's handle namespaces: a handle reserved by
 * a create is invisible until it is filled, and a destroy on another
 * thread neither finds it nor takes the reservation away (the fuzzer
 * once saw CTX_CREATE fail with -EBUSY when it did).
 */
#include <kunit/test.h>
#include <linux/xarray.h>

#include "../drv/uapi/vwddm_drv.h"

/* Reserved: no lookup or destroy sees it; filled: both do, once. */
static void handle_reserved_is_invisible(struct kunit *test)
{
	int obj;
	u32 h, h2;
	struct xarray xa;

	xa_init_flags(&xa, XA_FLAGS_ALLOC1);
	KUNIT_ASSERT_EQ(test, 0, vwddm_handle_reserve(&xa, &h, 8));
	KUNIT_EXPECT_EQ(test, 1u, h);
	KUNIT_EXPECT_NULL(test, xa_load(&xa, h));
	/* A destroy racing the create: -ENOENT, the reservation stays. */
	KUNIT_EXPECT_NULL(test, vwddm_handle_take(&xa, h));
	KUNIT_ASSERT_EQ(test, 0, vwddm_handle_reserve(&xa, &h2, 8));
	KUNIT_EXPECT_EQ(test, 2u, h2);
	vwddm_handle_release(&xa, h2);
	vwddm_handle_fill(&xa, h, &obj);
	KUNIT_EXPECT_PTR_EQ(test, (void *)&obj, xa_load(&xa, h));
	KUNIT_EXPECT_PTR_EQ(test, (void *)&obj, vwddm_handle_take(&xa, h));
	KUNIT_EXPECT_NULL(test, vwddm_handle_take(&xa, h));
	KUNIT_EXPECT_TRUE(test, xa_empty(&xa));
	xa_destroy(&xa);
}

/* Handles 1..max, -ENOSPC beyond; a released or taken one comes back. */
static void handle_reserve_limits(struct kunit *test)
{
	int a, b;
	u32 h;
	struct xarray xa;

	xa_init_flags(&xa, XA_FLAGS_ALLOC1);
	KUNIT_ASSERT_EQ(test, 0, vwddm_handle_reserve(&xa, &h, 2));
	vwddm_handle_fill(&xa, h, &a);
	KUNIT_ASSERT_EQ(test, 0, vwddm_handle_reserve(&xa, &h, 2));
	KUNIT_EXPECT_EQ(test, 2u, h);
	KUNIT_EXPECT_EQ(test, -ENOSPC, vwddm_handle_reserve(&xa, &h, 2));
	vwddm_handle_release(&xa, 2);
	KUNIT_ASSERT_EQ(test, 0, vwddm_handle_reserve(&xa, &h, 2));
	KUNIT_EXPECT_EQ(test, 2u, h);
	vwddm_handle_fill(&xa, h, &b);
	/* Numbers that were never handles. */
	KUNIT_EXPECT_NULL(test, vwddm_handle_take(&xa, 0));
	KUNIT_EXPECT_NULL(test, vwddm_handle_take(&xa, 3));
	KUNIT_EXPECT_NULL(test, vwddm_handle_take(&xa, U32_MAX));
	KUNIT_EXPECT_PTR_EQ(test, (void *)&a, vwddm_handle_take(&xa, 1));
	KUNIT_ASSERT_EQ(test, 0, vwddm_handle_reserve(&xa, &h, 2));
	KUNIT_EXPECT_EQ(test, 1u, h);
	vwddm_handle_release(&xa, h);
	KUNIT_EXPECT_PTR_EQ(test, (void *)&b, vwddm_handle_take(&xa, 2));
	KUNIT_EXPECT_TRUE(test, xa_empty(&xa));
	xa_destroy(&xa);
}

static struct kunit_case vwddm_handle_cases[] = {
	KUNIT_CASE(handle_reserved_is_invisible),
	KUNIT_CASE(handle_reserve_limits),
	{}
};

static struct kunit_suite vwddm_handle_suite = {
	.name = "vwddm_handle",
	.test_cases = vwddm_handle_cases,
};

kunit_test_suite(vwddm_handle_suite);
