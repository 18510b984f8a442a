# Stress part "soak" (sourced by /stress.sh): placeholder.
stress_soak() {
	check_fail stress-soak "not built yet"
	echo "VWDDM-STRESS part=soak ioctls=0 faults=0 fences=0 lost=0 splats=0"
	return 1
}
