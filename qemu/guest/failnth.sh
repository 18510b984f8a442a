# Stress part "failnth" (sourced by /stress.sh): placeholder.
stress_failnth() {
	check_fail stress-failnth "not built yet"
	echo "VWDDM-STRESS part=failnth ioctls=0 faults=0 fences=0 lost=0 splats=0"
	return 1
}
