// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_debugfs.c - /sys/kernel/debug/vwddm/<adapter>/: status, work
 * generation and interrupt fault injection. Root only.
 *
 *   status  (r)  "adapter", "tdr", "ladder", then "node" and "context"
 *                lines, each a list of key=value pairs; the ladder line
 *                ends with the platform device's replugs, which outlive
 *                the adapter (everything else is this adapter's)
 *   submit  (w)  "engine=E node=N count=C us=D [ctx=0|1] [hang=1]
 *                [fault=1] [nopreempt=1]": queue C packets of D us
 *   idle    (r)  wait (up to 30 s) until all work retired; prints "idle"
 *   inject  (w)  one injection per write (Documentation/usage.rst):
 *                "lost_irq=N", "duplicate_irq=N", "spurious_irq",
 *                "paging_hang=N", "adapter_reset", "reset_engine_fail=N",
 *                "bad_aborted_fence=N", "reset_from_timeout_fail=N",
 *                "restart_fail=N", "fldr_fail=N", "pldr_fail=N",
 *                "set_node_config_fail=N", "reset_hw_engine_fail=N",
 *                "resume_hw_engine_fail=N", "preempt_fail=N",
 *                "bad_suspend_fence=N", "slow_ddi=N [ms=M]", or
 *                "<hang|fault|nopreempt>_<running|next> node=N [engine=E]",
 *                "engine_tdr node=N [engine=E]" and
 *                "<suspend|resume> node=N [engine=E] [ctx=C]"
 *   last_dump (r) the last TDR dump (also published as a devcoredump)
 *   tdr_stats (r) resets by rung and kind (and the platform device's
 *                replugs), step-time histograms, events
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "vwddm_drv.h"
#include "../kmd/vwddm_kmd.h"
#include "../sched/vwddm_sched.h"

#define VWDDM_DEBUGFS_MAX_COUNT		1024
#define VWDDM_DEBUGFS_MAX_US		(10 * USEC_PER_SEC)
#define VWDDM_DEBUGFS_IDLE_TIMEOUT	(30 * HZ)
#define VWDDM_DEBUGFS_MAX_SLOW_MS	60000

static const char * const hw_state_names[] = {
	[VWDDM_HW_IDLE]		= "idle",
	[VWDDM_HW_RUNNING]	= "running",
	[VWDDM_HW_HUNG]		= "hung",
	[VWDDM_HW_HALTED]	= "halted",
};

static const char * const ctx_state_names[] = {
	[VWDDM_CONTEXT_ACTIVE]	= "active",
	[VWDDM_CONTEXT_RESET]	= "reset",
	[VWDDM_CONTEXT_HUNG]	= "hung",
	[VWDDM_CONTEXT_LOST]	= "lost",
};

static const char * const suspend_names[] = { "no", "yes", "pending" };

static const char * const tdr_event_names[] = {
	[VWDDM_TDR_EVT_TIMEOUT]		= "timeout",
	[VWDDM_TDR_EVT_FAULT]		= "fault",
	[VWDDM_TDR_EVT_ENGINE_RESET]	= "engine_reset",
	[VWDDM_TDR_EVT_NOOP]		= "drained",
	[VWDDM_TDR_EVT_ADAPTER_RESET]	= "adapter_reset",
	[VWDDM_TDR_EVT_BUGCHECK]	= "bugcheck",
	[VWDDM_TDR_EVT_BLOCKED]		= "process_blocked",
	[VWDDM_TDR_EVT_FORCED]		= "engine_tdr_forced",
	[VWDDM_TDR_EVT_FUNCTION_RESET]	= "function_reset",
	[VWDDM_TDR_EVT_PLATFORM_RESET]	= "platform_reset",
	[VWDDM_TDR_EVT_RUNG_FAILED]	= "rung_failed",
	[VWDDM_TDR_EVT_ADAPTER_LOST]	= "adapter_lost",
	[VWDDM_TDR_EVT_HW_ENGINE_RESET]	= "hw_engine_reset",
};

/* The last @max events of the TDR log, oldest first, one line each. */
static void show_tdr_events(struct seq_file *m, const char *tag,
			    const struct vwddm_tdr_stats *t, u32 max)
{
	u32 i = t->event_count > max ? t->event_count - max : 0;

	for (; i < t->event_count; i++) {
		const struct vwddm_tdr_event *e =
			&t->events[(t->event_head + i) % VWDDM_TDR_EVENTS];

		seq_printf(m, "%s time_us=%llu kind=%s node=%u.%u reason=0x%x\n",
			   tag, div_u64(e->time_ns, NSEC_PER_USEC),
			   e->kind < ARRAY_SIZE(tdr_event_names) ?
			   tdr_event_names[e->kind] : "?",
			   e->engine, e->node, e->reason);
	}
}

static int status_show(struct seq_file *m, void *unused)
{
	struct vwddm_adapter *adev = m->private;
	const struct vwddm_hw_config *cfg = vwddm_hw_config(adev->hw);
	struct vwddm_hw_irq_stats is;
	struct vwddm_tdr_stats *tdr;
	struct vwddm_kmd_stats ks;
	struct vwddm_bugcheck bc;
	u32 c, e, i, n, replugs, last_replug;

	tdr = kzalloc(sizeof(*tdr), GFP_KERNEL);
	if (!tdr)
		return -ENOMEM;
	vwddm_hw_irq_stats(adev->hw, &is);
	vwddm_kmd_stats(adev->kmd, &ks);
	seq_printf(m, "adapter index=%u engines=%u nodes=%u devices=%u irq=%u isr=%llu isr_hardirq=%llu isr_unclaimed=%llu notifications=%llu dpc_queued=%llu dpc_coalesced=%llu dpc_runs=%llu missed_completions=%llu irq_raised=%llu irq_lost=%llu irq_duplicated=%llu irq_spurious=%llu\n",
		   adev->index, cfg->engines, cfg->nodes,
		   vwddm_sched_device_count(adev->sched),
		   vwddm_hw_irq(adev->hw), ks.isr_calls, ks.isr_hardirq,
		   ks.isr_unclaimed, ks.notifications, ks.dpc_queued,
		   ks.dpc_coalesced, ks.dpc_runs, ks.missed_completions,
		   is.raised, is.lost, is.duplicated, is.spurious);
	vwddm_sched_tdr_stats(adev->sched, tdr, &bc);
	seq_printf(m, "tdr timeouts=%llu faults=%llu engine_resets=%llu engine_reset_noops=%llu adapter_resets=%llu promoted=%llu guilty_contexts=%llu devices_in_error=%llu bugcheck=0x%x bugcheck_p1=0x%llx bugchecks=%u blocked_processes=%llu last_blocked_pid=%d last_reason=%u last_dbg_reason=0x%x\n",
		   tdr->timeouts, tdr->faults, tdr->engine_resets,
		   tdr->engine_reset_noops, tdr->adapter_resets, tdr->promoted,
		   tdr->guilty_contexts, tdr->devices_in_error, bc.code, bc.p1,
		   bc.count, tdr->blocked_processes, tdr->last_blocked_pid,
		   tdr->last_reason, tdr->last_dbg_reason);
	vwddm_slot_replugs(adev, &replugs, &last_replug);
	seq_printf(m, "ladder lost=%d rung=%s lost_rung=%s lost_reason=%s rail=%u function_resets=%llu platform_resets=%llu rail_resets=%llu adapter_reset_failures=%llu function_reset_failures=%llu platform_reset_failures=%llu kmd_config_restores=%llu os_config_restores=%llu wedged_uevents=%d recovered_uevents=%d replugs=%u last_replug=%s\n",
		   vwddm_sched_is_lost(adev->sched),
		   vwddm_tdr_rung_name(tdr->rung),
		   vwddm_tdr_rung_name(tdr->lost_rung),
		   tdr->lost_reason == VWDDM_LOST_LADDER ? "ladder" :
		   tdr->lost_reason == VWDDM_LOST_BUGCHECK ? "bugcheck" :
		   "none", adev->sched->cfg.rail, tdr->function_resets,
		   tdr->platform_resets, tdr->rail_resets,
		   tdr->adapter_reset_failures, tdr->function_reset_failures,
		   tdr->platform_reset_failures, tdr->kmd_config_restores,
		   tdr->os_config_restores,
		   atomic_read(&adev->wedged_uevents),
		   atomic_read(&adev->recovered_uevents), replugs,
		   last_replug == VWDDM_REPLUG_PLATFORM ? "platform" :
		   last_replug == VWDDM_REPLUG_RAIL ? "rail" : "none");
	show_tdr_events(m, "last_reset", tdr, 4);
	for (e = 0; e < cfg->engines; e++) {
		for (n = 0; n < cfg->nodes; n++) {
			u32 last = 0, done = 0, swq = 0, hwq = 0, ksub, kcomp;
			struct vwddm_hw_node_stats ns;
			u64 preq = 0, ppk = 0;

			vwddm_sched_node_counts(adev->sched, e, n, &last, &done,
						&swq, &hwq);
			vwddm_sched_node_preempts(adev->sched, e, n, &preq,
						  &ppk);
			vwddm_kmd_node_fences(adev->kmd, e, n, &ksub, &kcomp);
			vwddm_hw_node_stats(adev->hw, e, n, &ns);
			seq_printf(m, "node engine=%u ordinal=%u kind=%s preempt=%s state=%s submitted=%u completed=%u sw_queued=%u hw_queued=%u preempt_requests=%llu preempted_packets=%llu kmd_submitted=%u kmd_completed=%u fence_reg=%u rptr=%u wptr=%u packets=%llu preempts=%llu faults=%llu resets=%llu busy_us=%llu\n",
				   e, n, vwddm_node_kind_name(cfg->kind[n]),
				   cfg->granularity[n] == VWDDM_PREEMPT_MID_PACKET ?
				   "mid" : "dma",
				   hw_state_names[vwddm_hw_node_state(adev->hw, e, n)],
				   last, done, swq, hwq, preq, ppk, ksub, kcomp,
				   vwddm_hw_read_fence(adev->hw, e, n),
				   vwddm_hw_read_rptr(adev->hw, e, n),
				   vwddm_hw_read_wptr(adev->hw, e, n),
				   ns.packets, ns.preempts, ns.faults, ns.resets,
				   div_u64(ns.busy_ns, NSEC_PER_USEC));
		}
	}
	mutex_lock(&adev->workload_lock);
	for (c = 0; c < VWDDM_WORKLOAD_CLIENTS; c++) {
		for (i = 0; i < cfg->engines * cfg->nodes; i++) {
			struct vwddm_context_status st;

			vwddm_context_status(adev->workload_ctx[c][i], &st);
			seq_printf(m, "context client=%u engine=%u ordinal=%u state=%s submitted=%llu completed=%llu preempted=%llu hangs=%u resets=%u suspended=%s\n",
				   c, i / cfg->nodes, i % cfg->nodes,
				   ctx_state_names[st.state], st.submitted,
				   st.completed, st.preempted, st.hangs,
				   st.resets,
				   suspend_names[min(st.suspended, 2u)]);
		}
	}
	mutex_unlock(&adev->workload_lock);
	/* The system device's paging contexts: never in error. */
	for (e = 0; e < cfg->engines; e++) {
		struct vwddm_context *pctx = adev->sched->paging_ctx[e];
		struct vwddm_context_status st;

		vwddm_context_status(pctx, &st);
		seq_printf(m, "context client=system engine=%u ordinal=%u state=%s submitted=%llu completed=%llu pending=%u resets=%u\n",
			   e, pctx->node, ctx_state_names[st.state],
			   st.submitted, st.completed, st.pending, st.resets);
	}
	kfree(tdr);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(status);

/*
 * Parse "key=value" words into @vals (matched by @keys); the first
 * @required keys must be present, the others keep the value in @vals.
 */
static int parse_kv(char *buf, const char * const *keys, u32 *vals, int nkeys,
		    int required)
{
	unsigned long seen = 0;
	char *word, *eq;
	int i;

	while ((word = strsep(&buf, " \t\n")) != NULL) {
		if (!*word)
			continue;
		eq = strchr(word, '=');
		if (!eq)
			return -EINVAL;
		*eq++ = '\0';
		for (i = 0; i < nkeys; i++)
			if (!strcmp(word, keys[i]))
				break;
		if (i == nkeys || kstrtou32(eq, 0, &vals[i]))
			return -EINVAL;
		seen |= BIT(i);
	}
	return (seen & (BIT(required) - 1)) == BIT(required) - 1 ? 0 : -EINVAL;
}

static ssize_t submit_write(struct file *file, const char __user *ubuf,
			    size_t len, loff_t *ppos)
{
	static const char * const keys[] = { "engine", "node", "count", "us",
					     "ctx", "hang", "fault",
					     "nopreempt" };
	struct vwddm_adapter *adev = file->private_data;
	const struct vwddm_hw_config *cfg = vwddm_hw_config(adev->hw);
	struct vwddm_submit_args args = {};
	u32 v[ARRAY_SIZE(keys)] = {};
	struct vwddm_context *ctx;
	struct dma_fence *f;
	char buf[128];
	u32 i;
	int ret;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	ret = parse_kv(buf, keys, v, ARRAY_SIZE(keys), 4);
	if (ret)
		return ret;
	if (v[0] >= cfg->engines || v[1] >= cfg->nodes || !v[2] ||
	    v[2] > VWDDM_DEBUGFS_MAX_COUNT || v[3] > VWDDM_DEBUGFS_MAX_US ||
	    v[4] >= VWDDM_WORKLOAD_CLIENTS || v[5] > 1 || v[6] > 1 || v[7] > 1)
		return -EINVAL;
	args.duration_ns = (u64)v[3] * NSEC_PER_USEC;
	args.hw_inject = (v[5] ? VWDDM_HW_PKT_HANG : 0) |
			 (v[6] ? VWDDM_HW_PKT_FAULT : 0) |
			 (v[7] ? VWDDM_HW_PKT_IGNORE_PREEMPT : 0);
	mutex_lock(&adev->workload_lock);
	ctx = vwddm_workload_ready(adev, v[4], v[0] * cfg->nodes + v[1]);
	ret = PTR_ERR_OR_ZERO(ctx);
	for (i = 0; i < v[2] && !ret; i++) {
		f = vwddm_sched_submit(ctx, &args);
		ret = PTR_ERR_OR_ZERO(f);
		if (!ret)
			dma_fence_put(f);
	}
	mutex_unlock(&adev->workload_lock);
	return ret ? ret : len;
}

static const struct file_operations submit_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.write	= submit_write,
	.llseek	= noop_llseek,
};

static int idle_show(struct seq_file *m, void *unused)
{
	struct vwddm_adapter *adev = m->private;
	long ret;

	ret = vwddm_sched_wait_idle(adev->sched, VWDDM_DEBUGFS_IDLE_TIMEOUT);
	if (ret < 0)
		return ret;
	if (!ret)
		return -ETIMEDOUT;
	seq_puts(m, "idle\n");
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(idle);

static const char * const tdr_step_names[VWDDM_TDR_STEP_COUNT] = {
	[VWDDM_TDR_STEP_DETECT_TO_RESET]	= "detect_to_reset",
	[VWDDM_TDR_STEP_COLLECT]		= "collect_dbg_info",
	[VWDDM_TDR_STEP_RESET_ENGINE]		= "reset_engine",
	[VWDDM_TDR_STEP_ENGINE_TOTAL]		= "engine_reset_total",
	[VWDDM_TDR_STEP_RESET_FROM_TIMEOUT]	= "reset_from_timeout",
	[VWDDM_TDR_STEP_RESTART]		= "restart_from_timeout",
	[VWDDM_TDR_STEP_ADAPTER_TOTAL]		= "adapter_reset_total",
	[VWDDM_TDR_STEP_RESET_FUNCTION]		= "reset_device_fldr",
	[VWDDM_TDR_STEP_RESET_PLATFORM]		= "reset_device_pldr",
};

static int tdr_stats_show(struct seq_file *m, void *unused)
{
	struct vwddm_adapter *adev = m->private;
	struct vwddm_tdr_stats *t;
	struct vwddm_bugcheck bc;
	u32 i, b, total, replugs, last_replug;

	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	vwddm_sched_tdr_stats(adev->sched, t, &bc);
	vwddm_slot_replugs(adev, &replugs, &last_replug);
	seq_printf(m, "rungs engine_reset=%llu adapter_reset=%llu function_reset=%llu platform_reset=%llu adapter_lost=%d replugs=%u\n",
		   t->engine_resets, t->adapter_resets, t->function_resets,
		   t->platform_resets, vwddm_sched_is_lost(adev->sched),
		   replugs);
	seq_printf(m, "failures adapter_reset=%llu function_reset=%llu platform_reset=%llu\n",
		   t->adapter_reset_failures, t->function_reset_failures,
		   t->platform_reset_failures);
	seq_printf(m, "kinds timeouts=%llu faults=%llu drained=%llu promoted=%llu guilty_contexts=%llu devices_in_error=%llu blocked_processes=%llu bugchecks=%u\n",
		   t->timeouts, t->faults, t->engine_reset_noops, t->promoted,
		   t->guilty_contexts, t->devices_in_error,
		   t->blocked_processes, bc.count);
	seq_printf(m, "hws mode=%s engine_timeouts=%llu engine_resets=%llu collateral_contexts=%llu unexpected_irqs=%llu suspends=%llu suspends_pending=%llu suspend_timeouts=%llu bad_suspend_fences=%llu\n",
		   adev->sched->cfg.hws ? "hw" : "sw", t->hw_engine_timeouts,
		   t->hw_engine_resets, t->hw_collateral_contexts,
		   t->hw_unexpected_irqs, t->hw_suspends,
		   t->hw_suspends_pending, t->hw_suspend_timeouts,
		   t->hw_bad_suspend_fences);
	/* Bucket b: durations below 2^b microseconds. */
	for (i = 0; i < VWDDM_TDR_STEP_COUNT; i++) {
		total = 0;
		for (b = 0; b < VWDDM_TDR_HIST_BUCKETS; b++)
			total += t->hist[i][b];
		seq_printf(m, "step %s count=%u", tdr_step_names[i], total);
		for (b = 0; b < VWDDM_TDR_HIST_BUCKETS; b++)
			if (t->hist[i][b])
				seq_printf(m, " <%lluus=%u", 1ull << b,
					   t->hist[i][b]);
		seq_putc(m, '\n');
	}
	show_tdr_events(m, "event", t, VWDDM_TDR_EVENTS);
	kfree(t);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(tdr_stats);

static ssize_t last_dump_read(struct file *file, char __user *ubuf,
			      size_t len, loff_t *ppos)
{
	struct vwddm_adapter *adev = file->private_data;
	size_t n;
	char *buf;
	ssize_t ret;

	buf = kzalloc(VWDDM_SCHED_DUMP_SIZE, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	n = vwddm_sched_last_dump(adev->sched, buf, VWDDM_SCHED_DUMP_SIZE);
	ret = simple_read_from_buffer(ubuf, len, ppos, buf, n);
	kfree(buf);
	return ret;
}

static const struct file_operations last_dump_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.read	= last_dump_read,
	.llseek	= default_llseek,
};

/* Counted injections: "<key>=N" adds N to what the miniport will do. */
static int inject_kmd(struct vwddm_adapter *adev, const char *key, u32 count,
		      char *rest)
{
	static const char * const keys[] = { "ms" };
	struct vwddm_kmd_inject add = {};
	u32 ms = 100;
	int ret;

	if (!strcmp(key, "reset_engine_fail"))
		add.reset_engine_fail = count;
	else if (!strcmp(key, "bad_aborted_fence"))
		add.bad_aborted_fence = count;
	else if (!strcmp(key, "reset_from_timeout_fail"))
		add.reset_from_timeout_fail = count;
	else if (!strcmp(key, "restart_fail"))
		add.restart_fail = count;
	else if (!strcmp(key, "reset_hw_engine_fail"))
		add.reset_hw_engine_fail = count;
	else if (!strcmp(key, "resume_hw_engine_fail"))
		add.resume_hw_engine_fail = count;
	else if (!strcmp(key, "preempt_fail"))
		add.preempt_fail = count;
	else if (!strcmp(key, "bad_suspend_fence"))
		add.bad_suspend_fence = count;
	else if (!strcmp(key, "fldr_fail"))
		add.fldr_fail = count;
	else if (!strcmp(key, "pldr_fail"))
		add.pldr_fail = count;
	else if (!strcmp(key, "set_node_config_fail"))
		add.set_node_config_fail = count;
	else if (!strcmp(key, "slow_ddi"))
		add.slow_ddi = count;
	else
		return -EINVAL;
	if (add.slow_ddi) {
		ret = parse_kv(rest, keys, &ms, 1, 0);
		if (ret)
			return ret;
		if (!ms || ms > VWDDM_DEBUGFS_MAX_SLOW_MS)
			return -EINVAL;
		add.slow_ddi_ms = ms;
	} else if (rest && *rest) {
		return -EINVAL;
	}
	vwddm_kmd_inject_add(adev->kmd, &add);
	return 0;
}

/*
 * "<suspend|resume> node=N [engine=E] [ctx=C]": suspend or resume a work
 * client's context (hardware scheduling). A pending suspension is success:
 * its acknowledgment, or the engine reset TdrDelay later, follows.
 */
static int inject_suspend(struct vwddm_adapter *adev, bool suspend,
			  char *rest)
{
	static const char * const keys[] = { "node", "engine", "ctx" };
	const struct vwddm_hw_config *cfg = vwddm_hw_config(adev->hw);
	struct vwddm_context *ctx;
	u32 v[3] = { 0, 0, 0 };
	int ret;

	ret = parse_kv(rest, keys, v, 3, 1);
	if (ret)
		return ret;
	if (v[0] >= cfg->nodes || v[1] >= cfg->engines ||
	    v[2] >= VWDDM_WORKLOAD_CLIENTS)
		return -EINVAL;
	mutex_lock(&adev->workload_lock);
	ctx = adev->workload_ctx[v[2]][v[1] * cfg->nodes + v[0]];
	ret = suspend ? vwddm_sched_suspend_context(ctx) :
			vwddm_sched_resume_context(ctx);
	mutex_unlock(&adev->workload_lock);
	return ret == -EINPROGRESS ? 0 : ret;
}

/* "<action> node=N [engine=E]": a packet on one node, or its engine TDR. */
static int inject_node(struct vwddm_adapter *adev, const char *action,
		       char *rest)
{
	static const char * const keys[] = { "node", "engine" };
	const struct vwddm_hw_config *cfg = vwddm_hw_config(adev->hw);
	static const struct {
		const char *name;
		u32 flags;
		bool next;
	} acts[] = {
		{ "hang_running", VWDDM_HW_PKT_HANG, false },
		{ "hang_next", VWDDM_HW_PKT_HANG, true },
		{ "fault_running", VWDDM_HW_PKT_FAULT, false },
		{ "fault_next", VWDDM_HW_PKT_FAULT, true },
		{ "nopreempt_running", VWDDM_HW_PKT_IGNORE_PREEMPT, false },
		{ "nopreempt_next", VWDDM_HW_PKT_IGNORE_PREEMPT, true },
		{ "engine_tdr", 0, false },
	};
	u32 v[2] = { 0, 0 };
	u32 i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(acts); i++)
		if (!strcmp(action, acts[i].name))
			break;
	if (i == ARRAY_SIZE(acts))
		return -EINVAL;
	ret = parse_kv(rest, keys, v, 2, 1);
	if (ret)
		return ret;
	if (v[0] >= cfg->nodes || v[1] >= cfg->engines)
		return -EINVAL;
	if (!acts[i].flags) {
		vwddm_sched_force_engine_reset(adev->sched, v[1], v[0]);
		return 0;
	}
	if (acts[i].next)
		return vwddm_hw_inject_next(adev->hw, v[1], v[0],
					    acts[i].flags);
	return vwddm_hw_inject_running(adev->hw, v[1], v[0], acts[i].flags);
}

static ssize_t inject_write(struct file *file, const char __user *ubuf,
			    size_t len, loff_t *ppos)
{
	struct vwddm_adapter *adev = file->private_data;
	char buf[96], *rest, *word, *val;
	u32 count;
	int ret;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	rest = strim(buf);
	word = strsep(&rest, " \t");
	if (!strcmp(word, "spurious_irq") && !rest) {
		vwddm_hw_inject_spurious_irq(adev->hw);
		return len;
	}
	if (!strcmp(word, "adapter_reset") && !rest) {
		vwddm_sched_force_adapter_reset(adev->sched);
		return len;
	}
	val = strchr(word, '=');
	if (!val && (!strcmp(word, "suspend") || !strcmp(word, "resume"))) {
		ret = inject_suspend(adev, !strcmp(word, "suspend"), rest);
		return ret ? ret : len;
	}
	if (!val) {
		ret = inject_node(adev, word, rest);
		return ret ? ret : len;
	}
	*val++ = '\0';
	if (kstrtou32(val, 0, &count) || !count || count > 1000)
		return -EINVAL;
	if (!strcmp(word, "lost_irq") && !rest) {
		vwddm_hw_inject_lost_irqs(adev->hw, count);
	} else if (!strcmp(word, "duplicate_irq") && !rest) {
		vwddm_hw_inject_duplicate_irqs(adev->hw, count);
	} else if (!strcmp(word, "paging_hang") && !rest) {
		vwddm_sched_inject_paging(adev->sched, VWDDM_HW_PKT_HANG,
					  count);
	} else {
		ret = inject_kmd(adev, word, count, rest);
		if (ret)
			return ret;
	}
	return len;
}

static const struct file_operations inject_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.write	= inject_write,
	.llseek	= noop_llseek,
};

/**
 * vwddm_debugfs_adapter_init() - create an adapter's debugfs directory
 * @adev: the adapter
 * @root: the module's debugfs directory
 *
 * Every file is root-only (0400/0200).
 */
void vwddm_debugfs_adapter_init(struct vwddm_adapter *adev,
				struct dentry *root)
{
	char name[8];

	snprintf(name, sizeof(name), "%u", adev->index);
	adev->debugfs = debugfs_create_dir(name, root);
	debugfs_create_file("status", 0400, adev->debugfs, adev,
			    &status_fops);
	debugfs_create_file("submit", 0200, adev->debugfs, adev,
			    &submit_fops);
	debugfs_create_file("idle", 0400, adev->debugfs, adev, &idle_fops);
	debugfs_create_file("inject", 0200, adev->debugfs, adev,
			    &inject_fops);
	debugfs_create_file("last_dump", 0400, adev->debugfs, adev,
			    &last_dump_fops);
	debugfs_create_file("tdr_stats", 0400, adev->debugfs, adev,
			    &tdr_stats_fops);
}
