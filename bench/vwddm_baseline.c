// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_baseline.c - the baseline of `make bench`: the kernel paths that
 * vwddm builds on, alone, so that each vwddm figure can be set against
 * what the same VM does without vwddm in the way.
 *
 * A hard hrtimer (HRTIMER_MODE_REL_HARD, as vwddm's execution timers)
 * expires; its callback queues a BH work item (system_bh_wq, as vwddm's
 * DPC runs in a BH workqueue), which completes a completion the caller
 * sleeps on. The IRQ path puts a real interrupt in between, as vwddm does:
 * the module has an irq_domain of its own with one edge interrupt (in
 * /proc/interrupts as "vwddm_baseline"); the hrtimer callback delivers it
 * with generic_handle_irq(), and the hardirq handler queues the work.
 * Every step is timestamped with ktime_get_ns().
 *
 * The gate is a dma_fence signalled only on request, exported as a
 * sync_file: a benchmark passes it as the in-fence of many submissions
 * to hold the packets queued (to measure the memory they take) and to
 * release them all at one known instant (to measure the drain rate).
 *
 * Interface: vwddm_baseline.h. Documentation/performance.rst tells how the
 * benchmark uses it.
 */
#include <linux/completion.h>
#include <linux/dma-fence.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/hrtimer.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/irqdomain.h>
#include <linux/ktime.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/sync_file.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>

#include "vwddm_baseline.h"

#define VWB_NAME	"vwddm_baseline"

/**
 * struct vwb_dev - the module's one device
 * @lock: one timer request at a time
 * @timer: the hard hrtimer
 * @work: the BH work item the expiry (or the interrupt) queues
 * @done: what the work completes and the ioctl waits for
 * @wq: the BH workqueue of the current request
 * @path: VWB_PATH_* of the current request
 * @timer_ns: when the hrtimer callback ran
 * @irq_ns: when the interrupt handler ran
 * @work_ns: when the work ran
 * @fwnode: the irq_domain's firmware node
 * @domain: the module's interrupt domain (one interrupt)
 * @virq: the Linux interrupt number of that interrupt
 * @gate_context: the dma_fence context of the gates
 * @gate_seqno: the last gate's seqno
 */
struct vwb_dev {
	struct mutex lock; /* one timer request at a time */
	struct hrtimer timer;
	struct work_struct work;
	struct completion done;
	struct workqueue_struct *wq;
	u32 path;
	u64 timer_ns;
	u64 irq_ns;
	u64 work_ns;
	struct fwnode_handle *fwnode;
	struct irq_domain *domain;
	unsigned int virq;
	u64 gate_context;
	atomic64_t gate_seqno;
};

static struct vwb_dev vwb;

/**
 * struct vwb_file - an open file of the device
 * @lock: protects @gate
 * @gate: the file's gate fence (referenced), or NULL
 */
struct vwb_file {
	spinlock_t lock; /* protects @gate */
	struct dma_fence *gate;
};

/**
 * struct vwb_gate_fence - a gate
 * @base: the fence
 * @lock: its lock
 */
struct vwb_gate_fence {
	struct dma_fence base;
	spinlock_t lock; /* the lock of @base */
};

static enum hrtimer_restart vwb_timer_fn(struct hrtimer *timer)
{
	WRITE_ONCE(vwb.timer_ns, ktime_get_ns());
	if (vwb.path == VWB_PATH_IRQ)
		generic_handle_irq(vwb.virq);
	else
		queue_work(vwb.wq, &vwb.work);
	return HRTIMER_NORESTART;
}

static irqreturn_t vwb_isr(int irq, void *arg)
{
	WRITE_ONCE(vwb.irq_ns, ktime_get_ns());
	queue_work(vwb.wq, &vwb.work);
	return IRQ_HANDLED;
}

static void vwb_work_fn(struct work_struct *work)
{
	WRITE_ONCE(vwb.work_ns, ktime_get_ns());
	complete(&vwb.done);
}

static long vwb_ioctl_timer(void __user *uarg)
{
	struct vwb_timer t;

	if (copy_from_user(&t, uarg, sizeof(t)))
		return -EFAULT;
	if (!t.delay_ns || t.delay_ns > VWB_MAX_DELAY_NS ||
	    t.path > VWB_PATH_IRQ || (t.flags & ~VWB_TIMER_FLAGS))
		return -EINVAL;
	if (mutex_lock_interruptible(&vwb.lock))
		return -EINTR;
	reinit_completion(&vwb.done);
	vwb.path = t.path;
	vwb.wq = t.flags & VWB_TIMER_HIGHPRI ? system_bh_highpri_wq :
					       system_bh_wq;
	vwb.timer_ns = 0;
	vwb.irq_ns = 0;
	vwb.work_ns = 0;
	t.armed_ns = ktime_get_ns();
	hrtimer_start(&vwb.timer, ns_to_ktime(t.delay_ns),
		      HRTIMER_MODE_REL_HARD);
	/* Not changed by the expiry: only a new start moves it. */
	t.expires_ns = ktime_to_ns(hrtimer_get_expires(&vwb.timer));
	/* At most VWB_MAX_DELAY_NS, and nothing can stop the timer early. */
	wait_for_completion(&vwb.done);
	t.woken_ns = ktime_get_ns();
	t.timer_ns = READ_ONCE(vwb.timer_ns);
	t.irq_ns = READ_ONCE(vwb.irq_ns);
	t.work_ns = READ_ONCE(vwb.work_ns);
	mutex_unlock(&vwb.lock);
	return copy_to_user(uarg, &t, sizeof(t)) ? -EFAULT : 0;
}

static const char *vwb_fence_name(struct dma_fence *f)
{
	return VWB_NAME;
}

/* A gate pins the module while it exists (vwddm may hold it longest). */
static void vwb_fence_release(struct dma_fence *f)
{
	dma_fence_free(f);
	module_put(THIS_MODULE);
}

static const struct dma_fence_ops vwb_fence_ops = {
	.get_driver_name = vwb_fence_name,
	.get_timeline_name = vwb_fence_name,
	.release = vwb_fence_release,
};

static long vwb_ioctl_gate_create(struct vwb_file *vf, void __user *uarg)
{
	struct vwb_gate g = { .fd = -1 };
	struct vwb_gate_fence *gf;
	struct sync_file *sf;
	int fd;

	gf = kzalloc(sizeof(*gf), GFP_KERNEL);
	if (!gf)
		return -ENOMEM;
	spin_lock_init(&gf->lock);
	__module_get(THIS_MODULE);
	dma_fence_init(&gf->base, &vwb_fence_ops, &gf->lock, vwb.gate_context,
		       atomic64_inc_return(&vwb.gate_seqno));
	spin_lock(&vf->lock);
	if (vf->gate) {
		spin_unlock(&vf->lock);
		dma_fence_put(&gf->base);
		return -EBUSY;
	}
	vf->gate = &gf->base;
	spin_unlock(&vf->lock);

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0)
		goto err_drop;
	sf = sync_file_create(&gf->base);
	if (!sf) {
		put_unused_fd(fd);
		fd = -ENOMEM;
		goto err_drop;
	}
	g.fd = fd;
	if (copy_to_user(uarg, &g, sizeof(g))) {
		put_unused_fd(fd);
		fput(sf->file);
		fd = -EFAULT;
		goto err_drop;
	}
	fd_install(fd, sf->file);
	return 0;

err_drop:
	spin_lock(&vf->lock);
	vf->gate = NULL;
	spin_unlock(&vf->lock);
	dma_fence_signal(&gf->base);
	dma_fence_put(&gf->base);
	return fd;
}

static long vwb_ioctl_gate_signal(struct vwb_file *vf, void __user *uarg)
{
	struct vwb_gate_signal s = {};
	struct dma_fence *gate;

	spin_lock(&vf->lock);
	gate = vf->gate;
	vf->gate = NULL;
	spin_unlock(&vf->lock);
	if (!gate)
		return -ENOENT;
	dma_fence_signal(gate);
	s.signal_ns = ktime_to_ns(dma_fence_timestamp(gate));
	dma_fence_put(gate);
	return copy_to_user(uarg, &s, sizeof(s)) ? -EFAULT : 0;
}

static long vwb_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct vwb_file *vf = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case VWB_IOC_TIMER:
		return vwb_ioctl_timer(uarg);
	case VWB_IOC_GATE_CREATE:
		return vwb_ioctl_gate_create(vf, uarg);
	case VWB_IOC_GATE_SIGNAL:
		return vwb_ioctl_gate_signal(vf, uarg);
	}
	return -ENOTTY;
}

static int vwb_open(struct inode *inode, struct file *file)
{
	struct vwb_file *vf;

	vf = kzalloc(sizeof(*vf), GFP_KERNEL);
	if (!vf)
		return -ENOMEM;
	spin_lock_init(&vf->lock);
	file->private_data = vf;
	return 0;
}

/* A gate left closed would hold its waiters forever: open it. */
static int vwb_release(struct inode *inode, struct file *file)
{
	struct vwb_file *vf = file->private_data;

	if (vf->gate) {
		dma_fence_signal(vf->gate);
		dma_fence_put(vf->gate);
	}
	kfree(vf);
	return 0;
}

static const struct file_operations vwb_fops = {
	.owner = THIS_MODULE,
	.open = vwb_open,
	.release = vwb_release,
	.unlocked_ioctl = vwb_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice vwb_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = VWB_NAME,
	.fops = &vwb_fops,
	.mode = 0600,
};

/*
 * The interrupt is an edge with nothing to mask or acknowledge: the chip
 * callbacks have nothing to do (vwddm's interrupt controller does the same).
 */
static void vwb_irq_noop(struct irq_data *d)
{
}

static struct irq_chip vwb_irq_chip = {
	.name = VWB_NAME,
	.irq_ack = vwb_irq_noop,
	.irq_mask = vwb_irq_noop,
	.irq_unmask = vwb_irq_noop,
};

static int vwb_irq_map(struct irq_domain *d, unsigned int virq,
		       irq_hw_number_t hwirq)
{
	irq_set_chip_and_handler_name(virq, &vwb_irq_chip, handle_edge_irq,
				      "edge");
	return 0;
}

static const struct irq_domain_ops vwb_irq_domain_ops = {
	.map = vwb_irq_map,
};

static int vwb_irq_init(void)
{
	int ret;

	vwb.fwnode = irq_domain_alloc_named_fwnode(VWB_NAME);
	if (!vwb.fwnode)
		return -ENOMEM;
	vwb.domain = irq_domain_create_linear(vwb.fwnode, 1,
					      &vwb_irq_domain_ops, NULL);
	if (!vwb.domain) {
		ret = -ENOMEM;
		goto err_free_fwnode;
	}
	vwb.virq = irq_create_mapping(vwb.domain, 0);
	if (!vwb.virq) {
		ret = -ENOSPC;
		goto err_remove_domain;
	}
	/* Hardirq context even with threadirqs, as vwddm's ISR. */
	ret = request_irq(vwb.virq, vwb_isr, IRQF_NO_THREAD, VWB_NAME, &vwb);
	if (ret)
		goto err_dispose;
	return 0;

err_dispose:
	irq_dispose_mapping(vwb.virq);
err_remove_domain:
	irq_domain_remove(vwb.domain);
err_free_fwnode:
	irq_domain_free_fwnode(vwb.fwnode);
	return ret;
}

static void vwb_irq_fini(void)
{
	free_irq(vwb.virq, &vwb);
	irq_dispose_mapping(vwb.virq);
	irq_domain_remove(vwb.domain);
	irq_domain_free_fwnode(vwb.fwnode);
}

static int __init vwb_init(void)
{
	int ret;

	mutex_init(&vwb.lock);
	init_completion(&vwb.done);
	INIT_WORK(&vwb.work, vwb_work_fn);
	hrtimer_init(&vwb.timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	vwb.timer.function = vwb_timer_fn;
	vwb.gate_context = dma_fence_context_alloc(1);
	atomic64_set(&vwb.gate_seqno, 0);
	ret = vwb_irq_init();
	if (ret)
		return ret;
	ret = misc_register(&vwb_misc);
	if (ret)
		vwb_irq_fini();
	return ret;
}

static void __exit vwb_exit(void)
{
	misc_deregister(&vwb_misc);
	hrtimer_cancel(&vwb.timer);
	cancel_work_sync(&vwb.work);
	vwb_irq_fini();
}

module_init(vwb_init);
module_exit(vwb_exit);
MODULE_DESCRIPTION("vwddm benchmark baseline: hrtimer, IRQ and BH work alone, and a gate fence");
MODULE_LICENSE("GPL");
