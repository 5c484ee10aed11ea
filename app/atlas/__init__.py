"""The staff map (地图): layers by zoom and bounding box, the 户籍图 of a building, today's
check-ins and patrols, and grid boundaries drawn on the map."""
