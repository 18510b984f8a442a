# Stress part "fuzz" (sourced by /stress.sh): placeholder.
stress_fuzz() {
	check_fail stress-fuzz "not built yet"
	echo "VWDDM-STRESS part=fuzz ioctls=0 faults=0 fences=0 lost=0 splats=0"
	return 1
}
