META
key;value
description;Quartier Nord 2023 (hand-written test file)
country;Belgium
unit;Schaerbeek
instance;2023
num_projects;5
num_votes;10
budget;100000
vote_type;approval
rule;greedy
date_begin;01.03.2023
date_end;31.03.2023
max_sum_cost;100000
language;fr
currency;EUR
PROJECTS
project_id;cost;votes;name;selected
1;60000;7;Arbres rue Haute;1
2;45000;3;Parking vélos gare;0
3;30000;4;Aire de jeux;1
4;15000;2;Bancs au parc;0
5;8000;2;Boîte à livres;1
VOTES
voter_id;vote
v01;1,3
v02;1,3,5
v03;1,3
v04;1,4
v05;1,3
v06;1
v07;1
v08;2,4,5
v09;2
v10;2
