# Stress part "lifecycle" (sourced by /stress.sh): placeholder.
stress_lifecycle() {
	check_fail stress-lifecycle "not built yet"
	echo "VWDDM-STRESS part=lifecycle ioctls=0 faults=0 fences=0 lost=0 splats=0"
	return 1
}
