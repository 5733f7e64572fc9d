// Progressive enhancement: on a wide screen the folded filters start open. Without JavaScript
// they stay folded (the search box and the results come first), which is the phone layout.
for (const panel of document.querySelectorAll("details.more-filters")) {
  if (window.matchMedia("(min-width: 48rem)").matches) panel.open = true;
}
